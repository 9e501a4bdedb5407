using System.Diagnostics;
using System.Globalization;

namespace MpsdConformance.Scenarios;

/// <summary>
/// Member initialization and QoS host selection, on the profile's <c>initialization</c> template (memberInitialization
/// with membersNeededToStart 2 and a short joinTimeout) and <c>qos</c> template (memberInitialization with metrics and
/// peerToHostRequirements, hostSelectionMetric latency). The QoS scenarios need no devices: members upload a secure
/// device address and fabricated measurements toward each other's device tokens, as a title would after measuring.
/// </summary>
public class Initialization : InitializationScenario
{
    [Test, Requirement("RESP-INITIALIZING-SHAPE")]
    public async Task CreateWithEnoughInitializingMembers_ShowsTheJoiningStage()
    {
        var (session, created, since) = await CreateInitializing(RequireTemplate(InitializationRole), null, Bob);
        Expect.Field(created, "/initializing/stage", Is.EqualTo("joining").IgnoreCase, "episode 1 starts at creation, in the joining stage while Bob's reservation is not taken up");
        Expect.Field(created, "/initializing/episode", Is.EqualTo(1L), "the members added at creation take part in episode 1");
        Expect.Field(created, "/initializing/stageStartTime", Is.InstanceOf<string>(), "initializing carries the time its stage started");
        foreach (var who in new[] { Alice, Bob })
        {
            Expect.Field(created, Roster.Pointer(created.Session, who.Xuid) + "/initializationEpisode", Is.EqualTo(1L),
                $"{who.Name}, added with initialize: true at creation, shows the episode it takes part in");
        }
        var invited = await T.Put(Alice, session, SessionRequest.Create()
            .Reserve(Carol.Xuid, r => r
                .Constants(c => c
                    .System("initialize", true))));
        TimedOut(invited, since, JoinTimeout(created), "the create and the invitation");
        Expect.Status(invited, HttpStatusCode.OK, "inviting one more initializing member while episode 1 runs");
        Expect.Field(invited, "/initializing/episode", Is.EqualTo(1L), "episode 1 still runs");
        Expect.Field(invited, Roster.Pointer(invited.Session, Carol.Xuid) + "/initializationEpisode", Is.EqualTo(2L),
            "a member invited while an episode runs is marked for the next episode");
    }

    [Test, Requirement("RESP-INITIALIZING-SHAPE")]
    public async Task LastInitializingMemberJoining_MovesTheStageOn()
    {
        var (session, created, since) = await CreateInitializing(RequireTemplate(InitializationRole), null, Bob);
        if (Stage(created.Session) != "joining")
        {
            Assert.Inconclusive("the create did not show the joining stage (CreateWithEnoughInitializingMembers_ShowsTheJoiningStage judges it)");
        }
        var joined = await T.Put(Bob, session, Join(Bob));
        TimedOut(joined, since, JoinTimeout(created), "the create and Bob's join");
        Expect.Status(joined, HttpStatusCode.OK, "Bob taking up his reservation");
        if (Roster.Find(Expect.Session(joined, "the session after the last initializing member joined")["members"], Bob.Xuid) is not { } bob || Invariants.IsReservation(bob.Member))
        {
            Assert.Inconclusive("Bob's first PUT did not turn his reservation into a joined member (RESERVE-CLEARED-ON-JOIN judges it), so joining cannot complete");
        }
        var stage = Stage(joined.Session);
        Expect.Value(joined, "initializing.stage", stage ?? "(no initializing object)", Is.AnyOf("measuring", "evaluating", "(no initializing object)"),
            "once every initializing member has joined, the stage moves on from joining: to measuring, to evaluating, or the episode completes and initializing is removed");
        var done = joined;
        if (stage == "evaluating")
        {
            done = await T.Put(Alice, session, SessionRequest.Create()
                .Properties(p => p
                    .System("initializationSucceeded", true)));
            if (done.Status != HttpStatusCode.OK || done.Session?["initializing"]?["episode"] is { } episode && Number(episode) == 1)
            {
                Assert.Inconclusive("initializationSucceeded: true during evaluating did not complete the episode (INIT-SUCCEEDED-EVALUATING judges it), so its end cannot be seen");
            }
        }
        else if (stage == "measuring")
        {
            return; // the template measures QoS: the episode ends after measuring, which the qos scenarios follow
        }
        Expect.Field(done, "/initializing", Is.Null, "when the initialization episode completes, the initializing object is removed");
        foreach (var who in new[] { Alice, Bob })
        {
            Expect.Field(done, Roster.Pointer(done.Session, who.Xuid) + "/initializationEpisode", Is.Null, $"{who.Name}'s initializationEpisode is removed when the episode ends");
        }
    }

    [Test, Requirement("INIT-SUCCEEDED-EVALUATING")]
    public async Task InitializationSucceeded_TakesEffectOnlyWhileEvaluating()
    {
        var (plain, _) = await Create(Alice);
        var outside = await T.Put(Alice, plain, Succeeded());
        var status = Expect.StatusIn(outside, "initializationSucceeded written to a session that runs no initialization (refused, 400 or 409, or dropped: the answer is undocumented)",
            HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.Conflict);
        Readings.Record("INIT-SUCCEEDED-EVALUATING", status switch
        {
            HttpStatusCode.OK => "dropped",
            _ => ((int)status).ToString(CultureInfo.InvariantCulture),
        });
        Expect.Field(await T.Get(Alice, plain), "/properties/system/initializationSucceeded", Is.Null, "initializationSucceeded is never stored");
        if (T.Profile.Template(InitializationRole) is null)
        {
            return;
        }
        var (session, created, _) = await CreateInitializing(InitializationRole, null, Bob);
        if (Stage(created.Session) != "joining")
        {
            Assert.Inconclusive("the create did not show the joining stage (RESP-INITIALIZING-SHAPE judges it)");
        }
        var early = await T.Put(Alice, session, Succeeded());
        Expect.Status(early, status, "initializationSucceeded during joining is answered as outside any initialization: the stage is not evaluating");
        var joined = await T.Put(Bob, session, Join(Bob));
        if (Stage(joined.Session) != "evaluating")
        {
            return; // the template evaluates automatically or measures first (or Bob came too late): no stage waits for the title's decision
        }
        var decided = await T.Put(Alice, session, Succeeded());
        Expect.Status(decided, HttpStatusCode.OK, "initializationSucceeded: true while the stage is evaluating is accepted");
        Expect.Field(decided, "/properties/system/initializationSucceeded", Is.Null, "initializationSucceeded is never stored: it is consumed at once");
        Expect.Value(decided, "initializing.stage", Stage(decided.Session) ?? "(no initializing object)", Is.Not.EqualTo("evaluating").And.Not.EqualTo("failed"),
            "initializationSucceeded: true moves the stage on at once: the episode completes");
    }

    [Test, Requirement("INIT-QOS-HOST-CANDIDATES")]
    public async Task HostCandidates_AppearAfterMeasuring_UntilAHostIsSet()
    {
        var qos = await MeasureQos();
        Expect.Field(qos.Measured, "/hostCandidates", Is.InstanceOf<JsonArray>(),
            "after the measuring stage of episode 1, with peerToHostRequirements set and no host, hostCandidates lists the candidates' device tokens");
        var listed = qos.Candidates!.Order(StringComparer.Ordinal).ToList();
        var reading = qos.Expected.Where(e => e.Listed.Order(StringComparer.Ordinal).SequenceEqual(listed)).Select(e => e.Membership).FirstOrDefault();
        Expect.Value(qos.Measured, "hostCandidates (as a set)", string.Join(", ", listed), Is.AnyOf(qos.Expected.Select(e => string.Join(", ", e.Listed.Order(StringComparer.Ordinal))).Distinct().ToArray()),
            $"hostCandidates holds the device tokens of the members meeting peerToHostRequirements (or every measured member); the tokens are {qos.Names}");
        Readings.Record("INIT-QOS-HOST-CANDIDATES", reading!);
        var hosted = await T.Put(Alice, qos.Session, SessionRequest.Create()
            .Properties(p => p
                .System("host", qos.Candidates![0])));
        Expect.Status(hosted, HttpStatusCode.OK, "setting properties.system.host to the first host candidate");
        if (hosted.Session?["properties"]?["system"]?["host"] is null)
        {
            Assert.Inconclusive("the host (a member's device token) was not kept (PROPS-HOST-MUST-MATCH judges it)");
        }
        Expect.Field(hosted, "/hostCandidates", Is.Null.Or.Empty, "hostCandidates are cleared once properties.system.host is set");
    }

    [Test, Requirement("INIT-HOST-SELECTION-METRIC")]
    public async Task HostCandidates_AreOrderedBestFirstByTheHostSelectionMetric()
    {
        var qos = await MeasureQos();
        if (qos.Candidates is null || !qos.Expected.Any(e => e.Listed.Order(StringComparer.Ordinal).SequenceEqual(qos.Candidates.Order(StringComparer.Ordinal))))
        {
            Assert.Inconclusive("hostCandidates is missing or lists other members than any documented reading (INIT-QOS-HOST-CANDIDATES judges which are listed)");
        }
        var order = string.Join(", ", qos.Candidates);
        Expect.Value(qos.Measured, "hostCandidates", order, Is.AnyOf(qos.Expected.Select(e => string.Join(", ", e.Listed)).ToArray()),
            $"host candidates are listed best first by hostSelectionMetric latency: the lowest average latency measured toward the candidate (or, read the other way, by the candidate); the tokens are {qos.Names}");
        Readings.Record("INIT-HOST-SELECTION-METRIC", qos.Expected.First(e => string.Join(", ", e.Listed) == order).Direction);
    }
}

/// <summary>The member-initialization scenarios' shared steps: initializing creates, the QoS run, reading the stages.</summary>
public abstract class InitializationScenario : Scenario
{
    /// <summary>The profile's member-initialization template role.</summary>
    protected const string InitializationRole = "initialization";

    /// <summary>The profile's QoS template role.</summary>
    protected const string QosRole = "qos";

    /// <summary>What a QoS run showed: the session after the last upload, its host candidates (lowercase), and the lists each reading expects.</summary>
    protected sealed record QosRun(SessionRef Session, MpsdResponse Measured, List<string>? Candidates, List<(string Direction, string Membership, List<string> Listed)> Expected, string Names);

    /// <summary>
    /// Alice creates a session of the qos template with Bob and Carol reserved, all three initializing; Bob and Carol
    /// join; each uploads a secure device address and then fabricated latency measurements toward the others' device
    /// tokens, built so that each reading (ranked by the measurements toward a candidate or by its own; members missing
    /// latencyMaximum left out or listed) gives another list.
    /// </summary>
    protected static async Task<QosRun> MeasureQos()
    {
        var role = RequireTemplate(QosRole);
        var users = new[] { Alice, Bob, Carol };
        var addresses = users.ToDictionary(u => u.Name, _ => Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        var (session, created, since) = await CreateInitializing(role, me => me
            .Properties(p => p
                .System("secureDeviceAddress", addresses[Alice.Name])), Bob, Carol);
        var system = created.Session?["constants"]?["system"];
        var requirements = system?["peerToHostRequirements"] as JsonObject
            ?? throw new InconclusiveException($"the {role} template shows no peerToHostRequirements");
        if (requirements["hostSelectionMetric"] is { } metric && !string.Equals(Text(metric), "latency", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Inconclusive($"the {role} template ranks host candidates by {metric}; the suite fabricates latency measurements (give the role hostSelectionMetric latency)");
        }
        var latencyMaximum = Number(requirements["latencyMaximum"]) ?? 250;
        var bandwidth = 10 * Math.Max(Number(requirements["bandwidthDownMinimum"]) ?? 100_000, Number(requirements["bandwidthUpMinimum"]) ?? 1_000);
        MpsdResponse joined = created;
        foreach (var who in new[] { Bob, Carol })
        {
            joined = await T.Put(who, session, Join(who, me => me
                .Properties(p => p
                    .System("secureDeviceAddress", addresses[who.Name]))));
            Expect.Status(joined, HttpStatusCode.OK, $"{who.Name} taking up the reservation with a secure device address");
        }
        TimedOut(joined, since, JoinTimeout(created), "the create and the joins");
        var tokens = users.ToDictionary(u => u.Name, u => Text(Roster.Find(joined.Session?["members"], u.Xuid)?.Member["deviceToken"])?.ToLowerInvariant());
        if (tokens.Values.Any(t => string.IsNullOrEmpty(t)) || tokens.Values.Distinct().Count() != users.Length)
        {
            Assert.Inconclusive("not every member shows a deviceToken of its own after uploading a secure device address (RESP-MEMBER-FIELDS judges it)");
        }
        if (Stage(joined.Session) != "measuring")
        {
            Assert.Inconclusive($"after every initializing member joined the stage is {Stage(joined.Session) ?? "gone"}, not measuring (RESP-INITIALIZING-SHAPE judges the stages; the {role} template must set metrics)");
        }
        // Latency measured by row toward column: Carol misses latencyMaximum as measured toward her, Alice as measured by her.
        var l = latencyMaximum;
        var latency = new Dictionary<(string From, string To), long>
        {
            [(Alice.Name, Bob.Name)] = l / 6, [(Alice.Name, Carol.Name)] = l + 50,
            [(Bob.Name, Alice.Name)] = l / 12, [(Bob.Name, Carol.Name)] = l * 2 / 5,
            [(Carol.Name, Alice.Name)] = l / 4, [(Carol.Name, Bob.Name)] = l / 3,
        };
        MpsdResponse uploaded = joined;
        foreach (var who in users)
        {
            var measurements = new JsonObject();
            foreach (var other in users.Where(u => u != who))
            {
                measurements[tokens[other.Name]!] = new JsonObject { ["latency"] = latency[(who.Name, other.Name)], ["bandwidthDown"] = bandwidth, ["bandwidthUp"] = bandwidth };
            }
            uploaded = await T.Put(who, session, Join(who, me => me
                .Properties(p => p
                    .System("measurements", measurements))));
            Expect.Status(uploaded, HttpStatusCode.OK, $"{who.Name} uploading measurements toward the other members' device tokens");
        }
        var measured = await T.Get(Alice, session);
        if (users.Any(u => Roster.Find(measured.Session?["members"], u.Xuid)?.Index != Roster.Find(joined.Session?["members"], u.Xuid)?.Index))
        {
            Assert.Inconclusive("members moved to other indexes when they wrote their own entries (PUT-IDEMPOTENT judges it), so the episode lost track of them");
        }
        if (Stage(measured.Session) is "joining" or "measuring")
        {
            Assert.Inconclusive($"the stage is still {Stage(measured.Session)} after every member uploaded its measurements (RESP-INITIALIZING-SHAPE judges the stages)");
        }
        var expected = new List<(string, string, List<string>)>();
        foreach (var direction in new[] { "toward-candidate", "from-candidate" })
        {
            var ranked = users.Select(c =>
            {
                var samples = users.Where(o => o != c).Select(o => direction == "toward-candidate" ? latency[(o.Name, c.Name)] : latency[(c.Name, o.Name)]).ToList();
                return (Token: tokens[c.Name]!, Meets: samples.All(s => s <= latencyMaximum), Average: samples.Average());
            }).OrderBy(r => r.Average).ToList();
            expected.Add((direction, "meeting-requirements", ranked.Where(r => r.Meets).Select(r => r.Token).ToList()));
            expected.Add((direction, "every-member", ranked.Select(r => r.Token).ToList()));
        }
        if (expected.Select(e => string.Join(",", e.Item3)).Distinct().Count() != expected.Count)
        {
            Assert.Inconclusive($"with latencyMaximum {latencyMaximum} the fabricated measurements cannot tell the readings apart");
        }
        var candidates = measured.Session?["hostCandidates"] is JsonArray listed
            ? listed.Select(t => Text(t)?.ToLowerInvariant() ?? "").ToList()
            : null;
        return new QosRun(session, measured, candidates, expected, string.Join(", ", users.Select(u => $"{u.Name} {tokens[u.Name]}")));
    }

    /// <summary>
    /// Alice creates a session of <paramref name="role"/> joining with <c>initialize: true</c> (and what <paramref name="me"/>
    /// writes), reserving <paramref name="reserved"/> with <c>initialize: true</c>; inconclusive when the template needs
    /// more initializing members to start. Returns a clock started before the create was sent.
    /// </summary>
    protected static async Task<(SessionRef Session, MpsdResponse Created, Stopwatch Since)> CreateInitializing(string role, Action<SessionRequest.Member>? me, params Identity[] reserved)
    {
        var session = T.NewSession(role);
        var body = SessionRequest.Create()
            .Me(Alice, m =>
            {
                m.Constants(c => c
                    .System("initialize", true));
                me?.Invoke(m);
            });
        foreach (var who in reserved)
        {
            body.Reserve(who.Xuid, r => r
                .Constants(c => c
                    .System("initialize", true)));
        }
        var since = Stopwatch.StartNew();
        var created = await T.Put(Alice, session, body);
        if (created.Status == HttpStatusCode.BadRequest)
        {
            Assert.Inconclusive($"the {role} template refuses a create with {1 + reserved.Length} initializing members: it needs more to start");
        }
        ExpectCreated(created, $"a create of the {role} template with {1 + reserved.Length} initializing members");
        return (session, created, since);
    }

    /// <summary>A decision in the session's properties: <c>initializationSucceeded: true</c>.</summary>
    protected static string Succeeded() =>
        SessionRequest.Create()
            .Properties(p => p
                .System("initializationSucceeded", true));

    /// <summary>memberInitialization (contract 107) or managedInitialization (104/105) of a session.</summary>
    protected static JsonObject? InitializationOf(JsonObject? session) =>
        (session?["constants"]?["system"]?["memberInitialization"] ?? session?["constants"]?["system"]?["managedInitialization"]) as JsonObject;

    /// <summary>The session's joinTimeout in ms, its documented default when unset (10 s in contract 107, 5 s in 104/105).</summary>
    protected static long JoinTimeout(MpsdResponse created)
    {
        var system = created.Session?["constants"]?["system"];
        return Number(InitializationOf(created.Session)?["joinTimeout"]) ?? (system?["managedInitialization"] is not null ? 5_000 : 10_000);
    }

    /// <summary><c>initializing.stage</c> in lowercase, or null when there is no initializing object.</summary>
    protected static string? Stage(JsonObject? session) => Text(session?["initializing"]?["stage"])?.ToLowerInvariant();

    /// <summary>A JSON string's text, or null for anything else.</summary>
    protected static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue(out string? text) ? text : null;

    /// <summary>
    /// An answer that shows what a join timeout would (a refusal, or the episode failed) after the steps since the
    /// create took longer than joinTimeout cannot be told from one: the scenario ends inconclusive.
    /// </summary>
    protected static void TimedOut(MpsdResponse reply, Stopwatch since, long joinTimeout, string steps)
    {
        if (since.ElapsedMilliseconds >= joinTimeout && (reply.Status != HttpStatusCode.OK || Stage(reply.Session) == "failed"))
        {
            Assert.Inconclusive($"{steps} took {since.ElapsedMilliseconds} ms, longer than the template's joinTimeout of {joinTimeout} ms, so the joining stage may have timed out");
        }
    }
}

/// <summary>The initialization scenario that waits for a timer: it starts first, so that the rest run meanwhile.</summary>
[Order(0)] // first, like ContractShape: it waits for the join timeout
public class InitializationTimeouts : InitializationScenario
{
    [Test, Order(0), Requirement("RESP-INITIALIZING-SHAPE")] // first: it waits for the join timeout while the rest run
    public async Task NobodyJoiningWithinJoinTimeout_FailsEpisodeOne()
    {
        var (session, created, _) = await CreateInitializing(RequireTemplate(InitializationRole), null, Bob);
        var joinTimeout = JoinTimeout(created);
        if (joinTimeout > 1_000)
        {
            Assert.Inconclusive($"the {InitializationRole} template's joinTimeout is {joinTimeout} ms; the suite waits at most 1.5 s (give the role a joinTimeout of 1000 ms at most)");
        }
        if (Number(InitializationOf(created.Session)?["membersNeededToStart"]) is < 2)
        {
            Assert.Inconclusive($"the {InitializationRole} template needs fewer than 2 members to start, so Alice alone does not fail episode 1");
        }
        // Counted from the answer: the stage started before the target answered the create.
        await Task.Delay(TimeSpan.FromMilliseconds(joinTimeout + 500));
        var after = await T.Get(Alice, session);
        Expect.Session(after, "the session outlives its failed initialization (Alice is still a member)");
        Expect.Field(after, "/members", Roster.Excludes(Bob.Xuid), "a reservation not taken up within joinTimeout is removed");
        Expect.Field(after, "/initializing/stage", Is.EqualTo("failed").IgnoreCase, "fewer than membersNeededToStart joined within joinTimeout: episode 1 fails and initializing.stage is failed");
        Expect.Field(after, "/initializing/episode", Is.EqualTo(1L), "the failed episode is episode 1");
        var alice = Roster.Pointer(after.Session, Alice.Xuid) + "/initializationEpisode";
        var kept = JsonNodes.Resolve(after.Session, alice).Found;
        Readings.Record("RESP-INITIALIZING-SHAPE", kept ? "episode-kept" : "episode-removed");
        if (kept)
        {
            Expect.Field(after, alice, Is.EqualTo(1L), "a member of the failed episode keeps showing episode 1, or none");
        }
    }
}
