using System.Globalization;
using System.Text.Json.Nodes;

namespace MpsdConformance.Reference;

/// <summary>Renders a session as the MultiplayerSession document.</summary>
internal static class SessionJson
{
    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>When the next lazy timer falls due, or null.</summary>
    public static DateTimeOffset? NextTimer(Session session)
    {
        var due = new List<DateTimeOffset>();
        if (session.Timeout("reservedRemovalTimeout", 30_000) is { } reservedMs)
        {
            due.AddRange(session.Members.Values.Where(m => m.Reserved).Select(m => m.JoinTime.AddMilliseconds(reservedMs)));
        }
        if (session.Members.Count == 0 && session.EmptySince is { } since && session.Timeout("sessionEmptyTimeout", 0) is { } emptyMs)
        {
            due.Add(since.AddMilliseconds(emptyMs));
        }
        return due.Count == 0 ? null : due.Min();
    }

    public static JsonObject Render(Session session)
    {
        var turn = session.Properties["system"]?["turn"] is JsonArray turns
            ? turns.Select(t => (int)(Numbers.AsLong(t) ?? -1)).ToHashSet()
            : [];
        var members = new JsonObject();
        var order = session.Members.Keys.ToList();
        for (var i = 0; i < order.Count; i++)
        {
            var member = session.Members[order[i]];
            var node = new JsonObject
            {
                ["constants"] = member.Constants.DeepClone(),
                ["properties"] = member.Properties.DeepClone(),
            };
            if (!member.Reserved && member.Gamertag is not null)
            {
                node["gamertag"] = member.Gamertag;
            }
            if (ServerWrites.DeviceToken(member) is { } token)
            {
                node["deviceToken"] = token;
            }
            if (member.Reserved)
            {
                node["reserved"] = true;
            }
            node["joinTime"] = Timestamp(member.JoinTime);
            if (turn.Contains(member.Index))
            {
                node["turn"] = true;
            }
            node["next"] = i + 1 < order.Count ? order[i + 1] : session.NextIndex;
            members[member.Index.ToString(CultureInfo.InvariantCulture)] = node;
        }
        var servers = new JsonObject();
        foreach (var (name, server) in session.Servers)
        {
            servers[name] = server.DeepClone();
        }
        var document = new JsonObject
        {
            ["contractVersion"] = session.ContractVersion,
            ["branch"] = session.Branch.ToString(),
            ["changeNumber"] = session.ChangeNumber,
            ["correlationId"] = session.CorrelationId.ToString().ToUpperInvariant(),
            ["startTime"] = Timestamp(session.StartTime),
        };
        if (NextTimer(session) is { } next)
        {
            document["nextTimer"] = Timestamp(next);
        }
        document["constants"] = session.Constants.DeepClone();
        document["properties"] = session.Properties.DeepClone();
        document["members"] = members;
        document["membersInfo"] = new JsonObject
        {
            ["first"] = order.Count > 0 ? order[0] : session.NextIndex,
            ["next"] = session.NextIndex,
            ["count"] = order.Count,
            ["accepted"] = session.Members.Values.Count(m => !m.Reserved),
        };
        document["servers"] = servers;
        return document;
    }
}
