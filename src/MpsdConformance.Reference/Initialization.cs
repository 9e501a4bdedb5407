using System.Globalization;
using System.Text.Json.Nodes;

namespace MpsdConformance.Reference;

/// <summary>The stage of a running initialization episode, as <c>initializing.stage</c> shows it.</summary>
internal enum InitializationStage
{
    Joining,
    Measuring,
    Evaluating,
    Failed,
}

/// <summary>
/// A session's member initialization: the running episode (or none), each member's episode and failure, and the
/// host candidates. Part of the session, so it is cloned with it and counts in its fingerprint.
/// </summary>
internal sealed class InitializationState
{
    /// <summary>The current (or last) episode; 0 before the first.</summary>
    public int Episode { get; set; }

    /// <summary>The stage of the current episode; null when no episode runs (no <c>initializing</c> object).</summary>
    public InitializationStage? Stage { get; set; }

    public DateTimeOffset StageStart { get; set; }

    /// <summary>Member index → the episode the member takes part in (<c>initializationEpisode</c>).</summary>
    public SortedDictionary<int, int> Episodes { get; set; } = [];

    /// <summary>Member index → <c>initializationFailure</c>.</summary>
    public SortedDictionary<int, string> Failures { get; set; } = [];

    /// <summary>Device tokens, best first; null when not set.</summary>
    public List<string>? HostCandidates { get; set; }

    public InitializationState Clone() => new()
    {
        Episode = Episode,
        Stage = Stage,
        StageStart = StageStart,
        Episodes = new SortedDictionary<int, int>(Episodes),
        Failures = new SortedDictionary<int, string>(Failures),
        HostCandidates = HostCandidates is null ? null : [.. HostCandidates],
    };

    /// <summary>What the session's fingerprint takes from it (times apart: a stage change shows in the stage).</summary>
    public JsonNode Fingerprint() => new JsonObject
    {
        ["e"] = Episode,
        ["s"] = Stage?.ToString(),
        ["m"] = new JsonArray(Episodes.Select(kv => (JsonNode)$"{kv.Key}:{kv.Value}").ToArray()),
        ["f"] = new JsonArray(Failures.Select(kv => (JsonNode)$"{kv.Key}:{kv.Value}").ToArray()),
        ["h"] = HostCandidates is null ? null : new JsonArray(HostCandidates.Select(t => (JsonNode)t).ToArray()),
    };
}

/// <summary>
/// Member initialization (constants.system.memberInitialization, or managedInitialization in contract 104/105) and
/// QoS host selection, run lazily like every timer: episode 1 starts at creation with the members added with
/// <c>initialize: true</c>; its stage goes joining → measuring (when metrics or measurementServerAddresses are set)
/// → evaluating (with external evaluation) → done (the <c>initializing</c> object removed), or failed. Members added
/// while an episode runs wait for the next one. After measuring, episode 1 sets <c>hostCandidates</c> when
/// peerToHostRequirements is set and no host is.
/// </summary>
internal static class Initialization
{
    /// <summary>The QoS thresholds the constants page gives peerToHostRequirements when they are left out.</summary>
    private static readonly (string Name, long Default)[] HostDefaults = [("latencyMaximum", 250), ("bandwidthDownMinimum", 100_000), ("bandwidthUpMinimum", 1_000)];

    /// <summary>The settings of a session's member initialization, defaults filled in; null when it has none.</summary>
    internal sealed record Settings(long JoinTimeout, long MeasurementTimeout, long EvaluationTimeout, bool External, long MembersNeededToStart,
        bool NeedsMeasurements, bool NeedsServerMeasurements, JsonObject? PeerToHost, JsonObject? PeerToPeer, JsonObject? Metrics)
    {
        public bool Measuring => NeedsMeasurements || NeedsServerMeasurements;

        public static Settings? Of(Session session)
        {
            var system = session.ConstantsSystemView; // read only: a stored session keeps its compact form
            // Contract 107: memberInitialization with its defaults; 104/105: managedInitialization, autoEvaluate (default false) the other way round.
            var (init, contract104) = system["memberInitialization"] is JsonObject m ? (m, false)
                : system["managedInitialization"] is JsonObject managed ? (managed, true)
                : (null, false);
            if (init is null)
            {
                return null;
            }
            long Ms(string name, long defaultMs) => Numbers.AsLong(init[name]) ?? defaultMs;
            var external = contract104 ? !Flag(init["autoEvaluate"]) : Flag(init["externalEvaluation"]);
            var metrics = system["metrics"] as JsonObject;
            return new Settings(
                Ms("joinTimeout", contract104 ? 5_000 : 10_000),
                Ms("measurementTimeout", contract104 ? 5_000 : 30_000),
                Ms("evaluationTimeout", 5_000),
                external,
                Ms("membersNeededToStart", contract104 ? 2 : 1),
                metrics is not null,
                system["measurementServerAddresses"] is JsonObject { Count: > 0 },
                system["peerToHostRequirements"] as JsonObject,
                system["peerToPeerRequirements"] as JsonObject,
                metrics);
        }
    }

    /// <summary>
    /// After a write (or a DELETE) is applied to <paramref name="next"/>: a create starts episode 1 (or is refused
    /// when it has too few initializing members, INIT-MEMBERS-NEEDED-400), members added later are marked for an
    /// episode, measurements are checked, a host clears the host candidates, and the stages move on.
    /// </summary>
    internal static void AfterWrite(Session? live, Session next, bool creating, DateTimeOffset now)
    {
        CheckMeasurements(next);
        if (Bags.System(next.Properties)["host"] is not null && !Faults.Active(FaultKind.HostCandidatesKeptAfterHost))
        {
            next.Init.HostCandidates = null;
        }
        if (Settings.Of(next) is not { } settings)
        {
            return;
        }
        var init = next.Init;
        var added = next.Members.Values.Where(m => Initializes(m) && (live is null || !live.Members.ContainsKey(m.Index))).ToList();
        if (creating)
        {
            if (added.Count < settings.MembersNeededToStart && !Faults.Active(FaultKind.InitMembersNeededIgnored))
            {
                throw new MpsdError(400, $"the session is configured for managed initialization requiring at least {settings.MembersNeededToStart} members to start "
                    + $"(members with constants.system.initialize true); the request adds {added.Count}");
            }
            init.Episode = 1;
            if (added.Count == 0)
            {
                return; // membersNeededToStart 0 and nobody to initialize: episode 1 is skipped.
            }
            StartEpisode(next, added, now);
        }
        else if (added.Count > 0 && init.Stage != InitializationStage.Failed)
        {
            if (init.Stage is null)
            {
                init.Episode++;
                StartEpisode(next, added, now);
            }
            else
            {
                // Members invited or joined while an episode runs take part in the next one.
                foreach (var member in added)
                {
                    init.Episodes[member.Index] = init.Episode + 1;
                }
            }
        }
        Advance(next, settings, now, afterWrite: true);
    }

    /// <summary>
    /// properties.system.initializationSucceeded: only while the stage is evaluating, where it moves the stage on at
    /// once (true: the episode completes; false: it fails); at any other time INIT-SUCCEEDED-EVALUATING's reading
    /// decides (refused with 400 or 409, or dropped). It is never stored (the merge drops it).
    /// </summary>
    internal static void Decide(Session next, JsonObject properties, DateTimeOffset now)
    {
        if (properties["system"]?["initializationSucceeded"] is not JsonValue value || !value.TryGetValue(out bool succeeded))
        {
            return;
        }
        if (next.Init.Stage != InitializationStage.Evaluating)
        {
            if (next.Readings.InitializationSucceededOutsideEvaluatingStatus is { } status)
            {
                throw new MpsdError(status, "/properties/system/initializationSucceeded: can only be set while initializing.stage is evaluating");
            }
            return;
        }
        if (Faults.Active(FaultKind.InitializationSucceededIgnored))
        {
            return;
        }
        Evaluated(next, succeeded, now);
    }

    /// <summary>Runs the initialization timers lazily: a clone with every stage that fell due moved on, or null when none did.</summary>
    internal static Session? ApplyDue(Session current, DateTimeOffset now)
    {
        if (Deadline(current) is not { } due || due > now || Settings.Of(current) is not { } settings)
        {
            return null;
        }
        var next = current.Clone();
        Advance(next, settings, now, afterWrite: false);
        if (next.Members.Count == 0)
        {
            next.EmptySince ??= due;
        }
        SessionEngine.Commit(next);
        return next;
    }

    /// <summary>When the running stage times out, or null (nextTimer).</summary>
    internal static DateTimeOffset? Deadline(Session session)
    {
        if (session.Init.Stage is not { } stage || stage == InitializationStage.Failed || Settings.Of(session) is not { } settings)
        {
            return null;
        }
        return session.Init.StageStart.AddMilliseconds(stage switch
        {
            InitializationStage.Joining => settings.JoinTimeout,
            InitializationStage.Measuring => settings.MeasurementTimeout,
            _ => settings.EvaluationTimeout,
        });
    }

    /// <summary>
    /// Members marked for an episode are left to the initialization's timeouts, not reservedRemovalTimeout and
    /// readyRemovalTimeout (the memberInitialization timeouts override them for members with initializationEpisode).
    /// </summary>
    internal static bool Exempt(Session session, Member member) => session.Init.Episodes.ContainsKey(member.Index);

    /// <summary>The top-level <c>initializing</c> and <c>hostCandidates</c> of the document.</summary>
    internal static void Render(Session session, JsonObject document, Readings readings)
    {
        var init = session.Init;
        if (init.Stage is { } stage)
        {
            document["initializing"] = new JsonObject
            {
                ["stage"] = stage.ToString().ToLowerInvariant(),
                ["stageStartTime"] = SessionJson.Timestamp(init.StageStart, readings),
                ["episode"] = init.Episode,
            };
        }
        if (init.HostCandidates is { } candidates)
        {
            document["hostCandidates"] = new JsonArray(candidates.Select(t => (JsonNode)t).ToArray());
        }
    }

    /// <summary>A member's <c>initializationEpisode</c> and <c>initializationFailure</c>.</summary>
    internal static void RenderMember(Session session, int index, JsonObject node)
    {
        if (session.Init.Failures.TryGetValue(index, out var failure))
        {
            node["initializationFailure"] = failure;
        }
        if (session.Init.Episodes.TryGetValue(index, out var episode))
        {
            node["initializationEpisode"] = episode;
        }
    }

    private static void StartEpisode(Session next, IEnumerable<Member> members, DateTimeOffset now)
    {
        var init = next.Init;
        foreach (var member in members)
        {
            init.Episodes[member.Index] = init.Episode;
        }
        (init.Stage, init.StageStart) = (InitializationStage.Joining, now);
    }

    /// <summary>Moves the stages on while something completes or times out by <paramref name="now"/>.</summary>
    private static void Advance(Session next, Settings settings, DateTimeOffset now, bool afterWrite)
    {
        var init = next.Init;
        foreach (var gone in init.Episodes.Keys.Concat(init.Failures.Keys).Where(i => !next.Members.ContainsKey(i)).ToList())
        {
            init.Episodes.Remove(gone);
            init.Failures.Remove(gone);
        }
        for (var guard = 0; guard < 16; guard++)
        {
            var members = EpisodeMembers(next).ToList();
            var passing = members.Where(m => !init.Failures.ContainsKey(m.Index)).ToList();
            var deadline = Deadline(next);
            switch (init.Stage)
            {
                case InitializationStage.Joining when passing.All(m => !m.Reserved) && !(afterWrite && Faults.Active(FaultKind.InitializingStaysJoining)):
                    EndJoining(next, settings, now);
                    continue;
                case InitializationStage.Joining when deadline <= now:
                    // Reservations of members that did not join in time are removed.
                    foreach (var late in passing.Where(m => m.Reserved))
                    {
                        next.Members.Remove(late.Index);
                        init.Episodes.Remove(late.Index);
                    }
                    EndJoining(next, settings, deadline!.Value);
                    continue;
                case InitializationStage.Measuring when passing.All(m => Uploaded(m, settings)):
                    EndMeasuring(next, settings, now);
                    continue;
                case InitializationStage.Measuring when deadline <= now:
                    foreach (var late in passing.Where(m => !Uploaded(m, settings)))
                    {
                        init.Failures[late.Index] = "timeout";
                    }
                    EndMeasuring(next, settings, deadline!.Value);
                    continue;
                case InitializationStage.Evaluating when deadline <= now:
                    Evaluated(next, succeeded: false, deadline!.Value); // no decision in time counts as a failure
                    continue;
            }
            return;
        }
    }

    private static void EndJoining(Session next, Settings settings, DateTimeOffset at)
    {
        FailGroups(next);
        var passing = EpisodeMembers(next).Count(m => !next.Init.Failures.ContainsKey(m.Index));
        if (next.Init.Episode == 1 && passing < settings.MembersNeededToStart)
        {
            Fail(next, at);
        }
        else if (passing == 0)
        {
            Complete(next, at);
        }
        else if (settings.Measuring)
        {
            (next.Init.Stage, next.Init.StageStart) = (InitializationStage.Measuring, at);
        }
        else
        {
            Evaluate(next, settings, at);
        }
    }

    private static void EndMeasuring(Session next, Settings settings, DateTimeOffset at)
    {
        var init = next.Init;
        var measured = EpisodeMembers(next).Where(m => !init.Failures.ContainsKey(m.Index) && ServerWrites.DeviceToken(m) is not null).ToList();
        if (!settings.External)
        {
            foreach (var (index, reason) in QosFailures(next, settings, measured))
            {
                init.Failures[index] = reason;
            }
        }
        FailGroups(next);
        if (init.Episode == 1 && settings.PeerToHost is { } hostRequirements && Bags.System(next.Properties)["host"] is null && settings.NeedsMeasurements)
        {
            init.HostCandidates = HostCandidates(measured, settings, hostRequirements, next.Readings);
        }
        var passing = EpisodeMembers(next).Count(m => !init.Failures.ContainsKey(m.Index));
        if (init.Episode == 1 && !settings.External && passing < settings.MembersNeededToStart)
        {
            Fail(next, at);
            return;
        }
        Evaluate(next, settings, at);
    }

    // With external evaluation the stage waits for initializationSucceeded; otherwise the evaluation is automatic and the episode completes.
    private static void Evaluate(Session next, Settings settings, DateTimeOffset at)
    {
        if (settings.External)
        {
            (next.Init.Stage, next.Init.StageStart) = (InitializationStage.Evaluating, at);
        }
        else
        {
            Complete(next, at);
        }
    }

    private static void Evaluated(Session next, bool succeeded, DateTimeOffset at)
    {
        if (succeeded)
        {
            Complete(next, at);
            return;
        }
        // After a failed evaluation every member of the episode that did not fail before fails with "episode".
        foreach (var member in EpisodeMembers(next).Where(m => !next.Init.Failures.ContainsKey(m.Index)))
        {
            next.Init.Failures[member.Index] = "episode";
        }
        Fail(next, at);
    }

    /// <summary>The episode ends well: initializing goes, its members lose initializationEpisode, and the next episode starts if anyone waits for it.</summary>
    private static void Complete(Session next, DateTimeOffset at)
    {
        var init = next.Init;
        foreach (var index in init.Episodes.Where(kv => kv.Value == init.Episode).Select(kv => kv.Key).ToList())
        {
            init.Episodes.Remove(index);
        }
        init.Stage = null;
        if (init.Episodes.Count > 0)
        {
            init.Episode++;
            (init.Stage, init.StageStart) = (InitializationStage.Joining, at);
            foreach (var index in init.Episodes.Keys.ToList())
            {
                init.Episodes[index] = init.Episode;
            }
        }
    }

    /// <summary>
    /// Episode 1 failing leaves the session failed for good (initializing.stage failed; what the members keep is
    /// RESP-INITIALIZING-SHAPE's reading); a later episode failing just ends it.
    /// </summary>
    private static void Fail(Session next, DateTimeOffset at)
    {
        var init = next.Init;
        if (init.Episode != 1)
        {
            Complete(next, at);
            return;
        }
        (init.Stage, init.StageStart) = (InitializationStage.Failed, at);
        // No later episode runs: members waiting for one go back to the session's own timeouts.
        foreach (var index in init.Episodes.Where(kv => kv.Value != init.Episode || !next.Readings.FailedEpisodeKeepsMembersEpisode).Select(kv => kv.Key).ToList())
        {
            init.Episodes.Remove(index);
        }
    }

    private static IEnumerable<Member> EpisodeMembers(Session session) =>
        session.Members.Values.Where(m => session.Init.Episodes.TryGetValue(m.Index, out var episode) && episode == session.Init.Episode);

    private static bool Initializes(Member member) => Flag(member.SystemConstant("initialize"));

    private static bool Uploaded(Member member, Settings settings)
    {
        return (!settings.NeedsMeasurements || member.SystemProperty("measurements") is JsonObject)
            && (!settings.NeedsServerMeasurements || member.SystemProperty("serverMeasurements") is JsonObject);
    }

    /// <summary>A member whose initializationGroup (or group) names a member that failed or is gone fails too, with "group".</summary>
    private static void FailGroups(Session next)
    {
        var init = next.Init;
        bool changed;
        do
        {
            changed = false;
            foreach (var member in EpisodeMembers(next).Where(m => !init.Failures.ContainsKey(m.Index)))
            {
                var system = member.Properties["system"];
                var group = (system?["initializationGroup"] ?? system?["group"]) as JsonArray ?? [];
                var indexes = group.Select(n => Numbers.AsLong(n)).OfType<long>().Select(n => (int)n).Where(i => i != member.Index);
                if (indexes.Any(i => !next.Members.ContainsKey(i) || init.Failures.ContainsKey(i)))
                {
                    init.Failures[member.Index] = "group";
                    changed = true;
                }
            }
        }
        while (changed);
    }

    /// <summary>
    /// The automatic evaluation of the QoS requirements at the end of measuring: peer to peer, each member's own
    /// measurements toward every other measured member; peer to host with a host set, each member's measurement
    /// toward the host. A missing measurement fails with "network", a broken threshold with its metric, in the
    /// documented order of precedence (latency, bandwidthdown, bandwidthup, network).
    /// </summary>
    private static IEnumerable<(int Index, string Reason)> QosFailures(Session next, Settings settings, List<Member> measured)
    {
        var host = Bags.System(next.Properties)["host"] is JsonValue h && h.TryGetValue(out string? token) ? token : null;
        foreach (var member in measured)
        {
            var reasons = new List<string>();
            if (settings.PeerToPeer is { } peer)
            {
                var minimum = Numbers.AsLong(peer["bandwidthMinimum"]) ?? 10_000;
                var thresholds = (Numbers.AsLong(peer["latencyMaximum"]) ?? 250, minimum, minimum);
                foreach (var other in measured.Where(o => o != member))
                {
                    reasons.Add(Judge(Measurement(member, ServerWrites.DeviceToken(other)!), thresholds, settings.Metrics));
                }
            }
            if (settings.PeerToHost is { } hostRequirements && host is not null && !string.Equals(ServerWrites.DeviceToken(member), host, StringComparison.OrdinalIgnoreCase))
            {
                reasons.Add(Judge(Measurement(member, host), HostThresholds(hostRequirements), settings.Metrics));
            }
            var worst = new[] { "latency", "bandwidthdown", "bandwidthup", "network" }.FirstOrDefault(reasons.Contains);
            if (worst is not null)
            {
                yield return (member.Index, worst);
            }
        }
    }

    /// <summary>"" when the measurement meets the thresholds of the enabled metrics, else the first broken metric, or network when there is none.</summary>
    private static string Judge(JsonObject? measurement, (long Latency, long Down, long Up) thresholds, JsonObject? metrics)
    {
        if (measurement is null)
        {
            return "network";
        }
        bool On(string metric) => metrics is null || Flag(metrics[metric]);
        long? Value(string name) => Numbers.AsLong(measurement[name]);
        if (On("latency") && !(Value("latency") <= thresholds.Latency))
        {
            return Value("latency") is null ? "network" : "latency";
        }
        if (On("bandwidthDown") && !(Value("bandwidthDown") >= thresholds.Down))
        {
            return Value("bandwidthDown") is null ? "network" : "bandwidthdown";
        }
        if (On("bandwidthUp") && !(Value("bandwidthUp") >= thresholds.Up))
        {
            return Value("bandwidthUp") is null ? "network" : "bandwidthup";
        }
        return "";
    }

    private static (long Latency, long Down, long Up) HostThresholds(JsonObject requirements)
    {
        long Threshold(int i) => Numbers.AsLong(requirements[HostDefaults[i].Name]) ?? HostDefaults[i].Default;
        return (Threshold(0), Threshold(1), Threshold(2));
    }

    /// <summary>
    /// hostCandidates: the measured members' device tokens, best first by hostSelectionMetric (latency: the lowest
    /// average latency; bandwidthup, bandwidthdown, bandwidth: the highest average). Which measurements count for a
    /// candidate (those the others uploaded toward it, or its own toward them) is INIT-HOST-SELECTION-METRIC's
    /// reading; whether members that miss peerToHostRequirements are listed is INIT-QOS-HOST-CANDIDATES's.
    /// </summary>
    private static List<string> HostCandidates(List<Member> measured, Settings settings, JsonObject requirements, Readings readings)
    {
        var metric = (requirements["hostSelectionMetric"] is JsonValue v && v.TryGetValue(out string? name) ? name : "latency").ToLowerInvariant();
        var thresholds = HostThresholds(requirements);
        var ranked = new List<(string Token, int Index, bool Meets, double Score)>();
        foreach (var candidate in measured)
        {
            var token = ServerWrites.DeviceToken(candidate)!;
            var samples = measured.Where(o => o != candidate)
                .Select(o => readings.HostMetricFromCandidate ? Measurement(candidate, ServerWrites.DeviceToken(o)!) : Measurement(o, token))
                .ToList();
            var meets = samples.All(s => Judge(s, thresholds, settings.Metrics).Length == 0);
            var values = samples.OfType<JsonObject>().Select(s => Score(s, metric)).OfType<double>().ToList();
            var score = values.Count > 0 ? values.Average() : metric == "latency" ? double.MaxValue : double.MinValue;
            ranked.Add((token, candidate.Index, meets, score));
        }
        var listed = ranked.Where(r => r.Meets || !readings.HostCandidatesMeetingRequirementsOnly);
        var ordered = (metric == "latency" ? listed.OrderBy(r => r.Score) : listed.OrderByDescending(r => r.Score)).ThenBy(r => r.Index).Select(r => r.Token).ToList();
        if (Faults.Active(FaultKind.HostCandidatesReversed))
        {
            ordered.Reverse();
        }
        return ordered;
    }

    private static double? Score(JsonObject measurement, string metric)
    {
        double? Value(string name) => Numbers.AsLong(measurement[name]);
        return metric switch
        {
            "bandwidthup" => Value("bandwidthUp"),
            "bandwidthdown" => Value("bandwidthDown"),
            "bandwidth" => Value("bandwidthUp") is { } up && Value("bandwidthDown") is { } down ? (up + down) / 2 : null,
            _ => Value("latency"),
        };
    }

    /// <summary>What <paramref name="member"/> measured toward the device <paramref name="token"/> (keys compared without case).</summary>
    private static JsonObject? Measurement(Member member, string token) =>
        member.SystemProperty("measurements") is JsonObject measurements
            ? measurements.FirstOrDefault(kv => string.Equals(kv.Key, token, StringComparison.OrdinalIgnoreCase)).Value as JsonObject
            : null;

    /// <summary>MEMBER-SYSTEM-SCHEMA: a member's measurements must not hold an entry for its own device token (400).</summary>
    private static void CheckMeasurements(Session next)
    {
        foreach (var member in next.Members.Values)
        {
            if (ServerWrites.DeviceToken(member) is { } own && member.Properties["system"]?["measurements"] is JsonObject measurements
                && measurements.Any(kv => string.Equals(kv.Key, own, StringComparison.OrdinalIgnoreCase)))
            {
                throw new MpsdError(400, string.Create(CultureInfo.InvariantCulture,
                    $"/members/{member.Index}/properties/system/measurements: holds the member's own device token {own}; measurements are toward the other members"));
            }
        }
    }

    private static bool Flag(JsonNode? node) => node is JsonValue v && v.TryGetValue(out bool on) && on;
}
