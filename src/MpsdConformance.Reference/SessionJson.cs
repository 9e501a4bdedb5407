using System.Globalization;
using System.Text.Json.Nodes;

namespace MpsdConformance.Reference;

/// <summary>Renders a session as the MultiplayerSession document.</summary>
internal static class SessionJson
{
    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString(Faults.Active(FaultKind.TimestampsWithOffset) ? "yyyy-MM-dd'T'HH:mm:ss.fffffff'+00:00'" : "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

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
        var skipReserved = Faults.Active(FaultKind.LinksSkipReserved);
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
            if (member.Reserved || Faults.Active(FaultKind.ReservedFalseWritten))
            {
                node["reserved"] = member.Reserved;
            }
            if (member.Reserved || !Faults.Active(FaultKind.JoinWithoutJoinTime))
            {
                node["joinTime"] = Timestamp(member.JoinTime);
            }
            if (turn.Contains(member.Index) && !Faults.Active(FaultKind.TurnFlagsMissing))
            {
                node["turn"] = true;
            }
            var link = i + 1;
            while (skipReserved && link < order.Count && session.Members[order[link]].Reserved)
            {
                link++;
            }
            node["next"] = link < order.Count ? order[link] : session.NextIndex;
            Faults.BreakMember(node);
            members[Faults.Active(FaultKind.MemberKeysZeroPadded) ? member.Index.ToString("00", CultureInfo.InvariantCulture) : member.Index.ToString(CultureInfo.InvariantCulture)] = node;
        }
        var servers = new JsonObject();
        foreach (var (name, server) in session.Servers)
        {
            servers[name] = server.DeepClone();
        }
        var document = new JsonObject
        {
            ["contractVersion"] = Faults.Active(FaultKind.ContractVersionDotted)
                ? $"{session.ContractVersion / 100}.{session.ContractVersion % 100}"
                : session.ContractVersion,
            ["branch"] = Faults.Active(FaultKind.BranchEmpty) ? "" : session.Branch.ToString(),
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
        if (Faults.Active(FaultKind.EmptyPropertiesSystemOmitted) && document["properties"]!["system"] is JsonObject { Count: 0 })
        {
            document["properties"]!.AsObject().Remove("system");
        }
        document["members"] = members;
        document["membersInfo"] = new JsonObject
        {
            ["first"] = order.Count > 0 ? order[0] : session.NextIndex,
            ["next"] = session.NextIndex,
            ["count"] = Faults.Active(FaultKind.MembersCountAsString) ? order.Count.ToString(CultureInfo.InvariantCulture) : order.Count,
            ["accepted"] = session.Members.Values.Count(m => !m.Reserved),
        };
        Faults.BreakServers(servers);
        document["servers"] = servers;
        return document;
    }
}
