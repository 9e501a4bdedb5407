using System.Globalization;
using System.Text.Json.Nodes;

namespace MpsdConformance.Reference;

/// <summary>Renders a session as the MultiplayerSession document.</summary>
internal static class SessionJson
{
    public static string Timestamp(DateTimeOffset time, Readings readings) =>
        time.UtcDateTime.ToString(
            (readings.WholeSecondTimestamps ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd'T'HH:mm:ss.fffffff")
            + (Faults.Active(FaultKind.TimestampsWithOffset) ? "'+00:00'" : "'Z'"),
            CultureInfo.InvariantCulture);

    /// <summary>When the next lazy timer falls due, or null.</summary>
    public static DateTimeOffset? NextTimer(Session session)
    {
        var due = new List<DateTimeOffset>();
        if (session.Timeout("reservedRemovalTimeout", Timers.DefaultReservedRemovalMs) is { } reservedMs)
        {
            due.AddRange(session.Members.Values.Where(m => m.Reserved && !Initialization.Exempt(session, m)).Select(m => m.JoinTime.AddMilliseconds(reservedMs)));
        }
        if (session.Timeout("readyRemovalTimeout", Timers.DefaultReadyRemovalMs) is { } readyMs)
        {
            due.AddRange(session.Members.Values.Where(m => m.ReadySince is not null && !Initialization.Exempt(session, m)).Select(m => m.ReadySince!.Value.AddMilliseconds(readyMs)));
        }
        due.AddRange(Timers.InactiveDues(session));
        if (session.Members.Count == 0 && session.EmptySince is { } since && session.EmptyTimeout is { } emptyMs)
        {
            due.Add(since.AddMilliseconds(emptyMs));
        }
        if (Initialization.Deadline(session) is { } stageEnds)
        {
            due.Add(stageEnds);
        }
        return due.Count == 0 ? null : due.Min();
    }

    /// <summary>True when answers of <paramref name="session"/> depend on the caller: a large session (LARGE-ME-ONLY).</summary>
    public static bool PerCaller(Session session) => session.IsLarge && !Faults.Active(FaultKind.LargeListsEveryone);

    /// <summary>
    /// The document; <paramref name="contractVersion"/> names the contract it is written in (default: the session's).
    /// A large session lists the entry of <paramref name="viewer"/> (a xuid) alone, keyed <c>me</c>, and none for a
    /// caller who is no member (or the server principal, whose viewer is null); membersInfo still describes the
    /// whole roster.
    /// </summary>
    public static JsonObject Render(Session session, int? contractVersion = null, string? viewer = null)
    {
        var readings = session.Readings;
        var turn = session.SystemProperty("turn") is JsonArray turns
            ? turns.Select(t => (int)(Numbers.AsLong(t) ?? -1)).ToHashSet()
            : [];
        var members = new JsonObject();
        var order = session.Members.Keys.ToList();
        var skipReserved = Faults.Active(FaultKind.LinksSkipReserved);
        var large = PerCaller(session);
        var shown = large ? Faults.LargeViewer(session, viewer) : null;
        for (var i = 0; i < order.Count; i++)
        {
            var member = session.Members[order[i]];
            if (large && member.Xuid != shown)
            {
                continue;
            }
            var node = new JsonObject
            {
                ["constants"] = Xuids(member.CopyOfConstants(), readings),
                ["properties"] = member.CopyOfProperties(),
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
                node[readings.PendingForReserved ? "pending" : "reserved"] = member.Reserved;
            }
            if (member.Reserved || !Faults.Active(FaultKind.JoinWithoutJoinTime))
            {
                node["joinTime"] = Timestamp(member.JoinTime, readings);
            }
            if (turn.Contains(member.Index) && !Faults.Active(FaultKind.TurnFlagsMissing))
            {
                node["turn"] = true;
            }
            Initialization.RenderMember(session, member.Index, node);
            var link = i + 1;
            while (skipReserved && link < order.Count && session.Members[order[link]].Reserved)
            {
                link++;
            }
            node["next"] = link < order.Count ? order[link] : session.NextIndex;
            Faults.BreakMember(node);
            if (large)
            {
                // LARGE-ME-ONLY: the caller's own entry, keyed me; its next link follows RESP-MEMBER-FIELDS's reading.
                switch (readings.LargeMeNext)
                {
                    case LargeMeNext.ListEnd:
                        node["next"] = session.NextIndex;
                        break;
                    case LargeMeNext.Omitted:
                        node.Remove("next");
                        break;
                }
                members["me"] = node;
                continue;
            }
            members[Faults.Active(FaultKind.MemberKeysZeroPadded) ? member.Index.ToString("00", CultureInfo.InvariantCulture) : member.Index.ToString(CultureInfo.InvariantCulture)] = node;
        }
        var servers = new JsonObject();
        foreach (var (name, server) in session.ServersView)
        {
            servers[name] = server.DeepClone();
        }
        var version = contractVersion ?? session.ContractVersion;
        var document = new JsonObject
        {
            ["contractVersion"] = Faults.Active(FaultKind.ContractVersionDotted)
                ? $"{version / 100}.{version % 100}"
                : version,
            ["branch"] = Faults.Active(FaultKind.BranchEmpty) ? "" : session.Branch.ToString(),
            ["changeNumber"] = session.ChangeNumber,
            ["correlationId"] = session.CorrelationId.ToString().ToUpperInvariant(),
            ["startTime"] = Timestamp(session.StartTime, readings),
        };
        if (NextTimer(session) is { } next)
        {
            document["nextTimer"] = Timestamp(next, readings);
        }
        Initialization.Render(session, document, readings);
        var constants = Xuids(session.CopyOfConstants(), readings);
        document["constants"] = version < 107 ? ContractNames.To104((JsonObject)constants!) : constants;
        document["properties"] = session.CopyOfProperties();
        Faults.BreakProperties(document["properties"]!.AsObject());
        if (Faults.Active(FaultKind.EmptyPropertiesSystemOmitted) && document["properties"]!["system"] is JsonObject { Count: 0 })
        {
            document["properties"]!.AsObject().Remove("system");
        }
        if (order.Count > 0 || !readings.OmitEmptyMembers)
        {
            document["members"] = members;
            document["membersInfo"] = new JsonObject
            {
                ["first"] = order.Count > 0 ? order[0] : session.NextIndex,
                ["next"] = session.NextIndex,
                ["count"] = Faults.Active(FaultKind.MembersCountAsString) ? order.Count.ToString(CultureInfo.InvariantCulture) : order.Count,
                ["accepted"] = session.Members.Values.Count(m => !m.Reserved),
            };
            if (large && Faults.Active(FaultKind.LargeCountsListedOnly))
            {
                document["membersInfo"]!["count"] = members.Count;
                document["membersInfo"]!["accepted"] = members.Count;
            }
        }
        Faults.BreakServers(servers);
        document["servers"] = servers;
        return document;
    }

    /// <summary>RESP-XUID-STRING: under the "number" reading, constants.system.xuid and initiators as JSON numbers.</summary>
    private static JsonNode? Xuids(JsonNode? constants, Readings readings)
    {
        if (!readings.NumericXuidsInAnswers || constants?["system"] is not JsonObject system)
        {
            return constants;
        }
        static JsonNode? AsNumber(JsonNode? xuid) =>
            xuid is JsonValue v && v.TryGetValue(out string? text) && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
                ? JsonValue.Create(number)
                : xuid;
        if (system.ContainsKey("xuid"))
        {
            system["xuid"] = AsNumber(system["xuid"]);
        }
        if (system["initiators"] is JsonArray initiators)
        {
            system["initiators"] = new JsonArray(initiators.Select(x => AsNumber(x?.DeepClone())).ToArray());
        }
        return constants;
    }
}

/// <summary>Contract 104/105 names of what contract 107 calls otherwise (CONTRACT-VERSION-ECHO, request-version).</summary>
internal static class ContractNames
{
    private static readonly (string Name107, string Name104)[] Timeouts =
    [
        ("reservedRemovalTimeout", "reserved"),
        ("inactiveRemovalTimeout", "inactive"),
        ("readyRemovalTimeout", "ready"),
        ("sessionEmptyTimeout", "sessionEmpty"),
    ];

    /// <summary>The contract 104/105 name (under <c>timeouts</c>) of a contract-107 timeout constant, or null.</summary>
    public static string? TimeoutName104(string name107) => Timeouts.FirstOrDefault(t => t.Name107 == name107).Name104;

    /// <summary>Session constants written with the 104/105 names: <c>timeouts{...}</c> and <c>managedInitialization</c>.</summary>
    public static JsonObject To104(JsonObject constants)
    {
        if (constants["system"] is not JsonObject system)
        {
            return constants;
        }
        foreach (var (name107, name104) in Timeouts)
        {
            if (system.TryGetPropertyValue(name107, out var value))
            {
                system.Remove(name107);
                if (system["timeouts"] is not JsonObject timeouts)
                {
                    timeouts = [];
                    system["timeouts"] = timeouts;
                }
                if (!timeouts.ContainsKey(name104))
                {
                    timeouts[name104] = value;
                }
            }
        }
        if (system["memberInitialization"] is JsonObject initialization)
        {
            system.Remove("memberInitialization");
            var managed = (JsonObject)initialization.DeepClone();
            if (managed["externalEvaluation"] is JsonValue external && external.TryGetValue(out bool isExternal))
            {
                managed.Remove("externalEvaluation");
                managed["autoEvaluate"] = !isExternal;
            }
            system["managedInitialization"] = managed;
        }
        return constants;
    }
}
