using System.Net;
using System.Text.Json.Nodes;
using MpsdConformance.Reference;

namespace MpsdConformance.SelfTests.Reference;

/// <summary>
/// Member initialization and QoS host selection, on a clock the test moves: the create check, every stage
/// transition and timeout, episodes, the 104/105 names and defaults, and host candidates per metric and reading.
/// </summary>
public class ReferenceInitializationTests
{
    private const string T0 = "2026-11-23T10:00:00.0000000Z";

    private static string At(double seconds) =>
        new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero).AddSeconds(seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A server on a manual clock, with the built-in templates and these extra ones (name, contract version, constants.system).</summary>
    private static async Task<(ReferenceClient C, ManualClock Clock)> Start(IEnumerable<string>? readings = null, params (string Name, int Contract, JsonObject System)[] templates)
    {
        var config = ReferenceConfig.BuiltIn();
        foreach (var (name, contract, system) in templates)
        {
            system["visibility"] ??= "open";
            system["maxMembersCount"] ??= 8;
            config.Scids.First().Value[name] = new TemplateConfig { ContractVersion = contract, Constants = new JsonObject { ["system"] = system, ["custom"] = new JsonObject() } };
        }
        var clock = new ManualClock();
        var c = await ReferenceClient.StartAsync(new ReferenceOptions
        {
            Config = config,
            Time = clock,
            SchemasDirectory = Repo.Schemas,
            Readings = ReferenceReadings.Apply(readings ?? []),
        });
        return (c, clock);
    }

    /// <summary>Alice joins initializing (with a secure device address when given), the others reserved initializing.</summary>
    private static string Create(ReferenceClient c, string? address, params IdentityConfig[] reserved)
    {
        var me = new JsonObject { ["constants"] = new JsonObject { ["system"] = new JsonObject { ["xuid"] = c.Alice.Xuid, ["initialize"] = true } } };
        if (address is not null)
        {
            me["properties"] = new JsonObject { ["system"] = new JsonObject { ["secureDeviceAddress"] = address } };
        }
        var members = new JsonObject { ["me"] = me };
        for (var i = 0; i < reserved.Length; i++)
        {
            members[$"reserve_{i}"] = new JsonObject { ["constants"] = new JsonObject { ["system"] = new JsonObject { ["xuid"] = reserved[i].Xuid, ["initialize"] = true } } };
        }
        return new JsonObject { ["members"] = members }.ToJsonString();
    }

    private static string MemberSystem(IdentityConfig who, JsonObject system) =>
        new JsonObject { ["members"] = new JsonObject { ["me"] = new JsonObject { ["properties"] = new JsonObject { ["system"] = system } } } }.ToJsonString();

    private static string Address(string who) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("device of " + who));

    private static string Decision(bool succeeded) => """{"properties":{"system":{"initializationSucceeded":""" + (succeeded ? "true" : "false") + "}}}";

    private static JsonNode? Member(Reply reply, int index) => reply.Session["members"]![index.ToString(System.Globalization.CultureInfo.InvariantCulture)];

    private static string? Stage(Reply reply) => (string?)reply.Session["initializing"]?["stage"];

    [Test, Requirement("INIT-MEMBERS-NEEDED-400")]
    public async Task CreateShortOfMembersNeededToStart_Gets400_AndStoresNothing_WhileEnoughInitializingMembersCreate()
    {
        var (c, _) = await Start();
        await using var _c = c;
        var (alone, notInitializing, enough) = (ReferenceClient.NewName(), ReferenceClient.NewName(), ReferenceClient.NewName());
        var refused = await c.Put(c.Url(alone, "initialization"), c.Alice, Create(c, null));
        var gone = await c.Get(c.Url(alone, "initialization"), c.Alice);
        // Bob reserved initializing, but Alice joining without initialize: one initializing member of the two needed.
        var mixed = await c.Put(c.Url(notInitializing, "initialization"), c.Alice,
            """{"members":{"me":{"constants":{"system":{"xuid":""" + $"\"{c.Alice.Xuid}\"" + """}}},"reserve_0":{"constants":{"system":{"initialize":true,"xuid":""" + $"\"{c.Bob.Xuid}\"" + "}}}}}");
        var created = await c.Put(c.Url(enough, "initialization"), c.Alice, Create(c, null, c.Bob));
        Assert.Multiple(() =>
        {
            Assert.That(refused.Status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(refused.MediaType, Is.EqualTo("text/plain"));
            Assert.That(refused.Body, Does.Contain("at least 2 members to start"));
            Assert.That(gone.Status, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(mixed.Status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(created.Status, Is.EqualTo(HttpStatusCode.Created));
        });
    }

    [Test, Requirement("RESP-INITIALIZING-SHAPE", "CONST-MEMBER-INIT-SHAPE")]
    public async Task MembersNeededToStartZero_WithNobodyToInitialize_SkipsEpisodeOne()
    {
        var (c, _) = await Start(null, ("zero", 107, new JsonObject { ["memberInitialization"] = new JsonObject { ["membersNeededToStart"] = 0 } }));
        await using var _c = c;
        var created = await c.Put(c.Url(ReferenceClient.NewName(), "zero"), c.Alice, ReferenceClient.Join(c.Alice));
        Assert.Multiple(() =>
        {
            Assert.That(created.Status, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(created.Session["initializing"], Is.Null);
            Assert.That(Member(created, 0)!["initializationEpisode"], Is.Null);
        });
    }

    [Test, Requirement("RESP-INITIALIZING-SHAPE", "INIT-SUCCEEDED-EVALUATING", "TIMER-RESERVED-REMOVAL")]
    public async Task Joining_MovesToEvaluating_WhenTheLastInitializingMemberJoins_AndADecisionCompletesTheEpisode()
    {
        var (c, clock) = await Start();
        await using var _c = c;
        var url = c.Url(ReferenceClient.NewName(), "initialization");
        var created = await c.Put(url, c.Alice, Create(c, null, c.Bob));
        clock.Advance(TimeSpan.FromMilliseconds(500));
        var joined = await c.Put(url, c.Bob, ReferenceClient.Join(c.Bob));
        clock.Advance(TimeSpan.FromMilliseconds(100));
        var decided = await c.Put(url, c.Alice, Decision(true));
        Assert.Multiple(() =>
        {
            Assert.That(created.Session["initializing"]?.ToJsonString(), Is.EqualTo($$$"""{"stage":"joining","stageStartTime":"{{{T0}}}","episode":1}"""));
            Assert.That((int?)Member(created, 0)!["initializationEpisode"], Is.EqualTo(1));
            Assert.That((int?)Member(created, 1)!["initializationEpisode"], Is.EqualTo(1));
            // The reservation is left to joinTimeout (1 s), not reservedRemovalTimeout (30 s): nextTimer is the join deadline.
            Assert.That((string?)created.Session["nextTimer"], Is.EqualTo(At(1)));
            Assert.That(joined.Session["initializing"]?.ToJsonString(), Is.EqualTo($$$"""{"stage":"evaluating","stageStartTime":"{{{At(0.5)}}}","episode":1}"""));
            Assert.That((string?)joined.Session["nextTimer"], Is.EqualTo(At(5.5)), "evaluationTimeout defaults to 5 s");
            Assert.That(decided.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(decided.Session["initializing"], Is.Null);
            Assert.That(decided.Session["nextTimer"], Is.Null);
            Assert.That(decided.Session["properties"]!["system"]!["initializationSucceeded"], Is.Null);
            Assert.That(Member(decided, 0)!["initializationEpisode"], Is.Null);
            Assert.That(Member(decided, 1)!["initializationEpisode"], Is.Null);
            Assert.That(Member(decided, 1)!["initializationFailure"], Is.Null);
        });
    }

    [TestCase("episode-kept", true)]
    [TestCase("episode-removed", false)]
    [Requirement("RESP-INITIALIZING-SHAPE", "TIMER-RESERVED-REMOVAL")]
    public async Task JoinTimeout_RemovesLateReservations_AndFailsEpisodeOne(string reading, bool kept)
    {
        var (c, clock) = await Start([$"RESP-INITIALIZING-SHAPE={reading}"]);
        await using var _c = c;
        var url = c.Url(ReferenceClient.NewName(), "initialization");
        await c.Put(url, c.Alice, Create(c, null, c.Bob));
        // Carol, invited while episode 1 runs, waits for episode 2, which never comes: her reservation takes reservedRemovalTimeout again.
        await c.Put(url, c.Alice, """{"members":{"reserve_0":{"constants":{"system":{"xuid":"2814650000000003","initialize":true}}}}}""");
        clock.Advance(TimeSpan.FromMilliseconds(999));
        var before = await c.Get(url, c.Alice);
        clock.Advance(TimeSpan.FromMilliseconds(301));
        var after = await c.Get(url, c.Alice);
        clock.Advance(TimeSpan.FromMinutes(5));
        var later = await c.Get(url, c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(Stage(before), Is.EqualTo("joining"));
            Assert.That((int?)before.Session["membersInfo"]!["count"], Is.EqualTo(3));
            Assert.That(after.Session["initializing"]?.ToJsonString(), Is.EqualTo($$$"""{"stage":"failed","stageStartTime":"{{{At(1)}}}","episode":1}"""), "the stage failed when joinTimeout ran out");
            Assert.That((int?)after.Session["membersInfo"]!["count"], Is.EqualTo(2), "Bob's reservation is removed");
            Assert.That(Member(after, 2)!["initializationEpisode"], Is.Null, "no episode 2 runs after episode 1 failed");
            Assert.That((string?)after.Session["nextTimer"], Is.EqualTo(At(30)), "Carol's reservation expires after reservedRemovalTimeout");
            Assert.That((int?)later.Session["membersInfo"]!["count"], Is.EqualTo(1), "and it did");
            Assert.That((int?)Member(after, 0)!["initializationEpisode"], kept ? Is.EqualTo(1) : Is.Null);
            Assert.That(Member(after, 0)!["initializationFailure"], Is.Null, "only group can be a failure at the end of joining");
            Assert.That(later.Session["initializing"]?.ToJsonString(), Is.EqualTo(after.Session["initializing"]?.ToJsonString()), "a failed session stays failed");
        });
    }

    [TestCase(false, TestName = "EvaluatingWithoutADecision_FailsEpisodeOneAtEvaluationTimeout")]
    [TestCase(true, TestName = "InitializationSucceededFalse_FailsEpisodeOneAtOnce")]
    [Requirement("RESP-INITIALIZING-SHAPE", "INIT-SUCCEEDED-EVALUATING")]
    public async Task FailedEvaluation_MarksTheEpisodesMembers(bool decide)
    {
        var (c, clock) = await Start();
        await using var _c = c;
        var url = c.Url(ReferenceClient.NewName(), "initialization");
        await c.Put(url, c.Alice, Create(c, null, c.Bob));
        await c.Put(url, c.Bob, ReferenceClient.Join(c.Bob));
        clock.Advance(TimeSpan.FromSeconds(decide ? 1 : 5));
        var after = decide ? await c.Put(url, c.Alice, Decision(false)) : await c.Get(url, c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(after.Session["initializing"]?.ToJsonString(), Is.EqualTo($$$"""{"stage":"failed","stageStartTime":"{{{At(decide ? 1 : 5)}}}","episode":1}"""));
            Assert.That((string?)Member(after, 0)!["initializationFailure"], Is.EqualTo("episode"));
            Assert.That((string?)Member(after, 1)!["initializationFailure"], Is.EqualTo("episode"));
        });
    }

    [TestCase("400", HttpStatusCode.BadRequest)]
    [TestCase("409", HttpStatusCode.Conflict)]
    [TestCase("dropped", HttpStatusCode.OK)]
    [Requirement("INIT-SUCCEEDED-EVALUATING")]
    public async Task InitializationSucceeded_OutsideEvaluating_IsAnsweredAsItsReadingSays_AndChangesNothing(string reading, HttpStatusCode status)
    {
        var (c, _) = await Start([$"INIT-SUCCEEDED-EVALUATING={reading}"]);
        await using var _c = c;
        var (plain, initializing) = (c.Url(ReferenceClient.NewName()), c.Url(ReferenceClient.NewName(), "initialization"));
        await c.Put(plain, c.Alice, ReferenceClient.Join(c.Alice));
        await c.Put(initializing, c.Alice, Create(c, null, c.Bob));
        var before = await c.Get(initializing, c.Alice);
        var outside = await c.Put(plain, c.Alice, Decision(true));
        var joining = await c.Put(initializing, c.Alice, Decision(true));
        var after = await c.Get(initializing, c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(outside.Status, Is.EqualTo(status));
            Assert.That(joining.Status, Is.EqualTo(status));
            Assert.That(after.Body, Is.EqualTo(before.Body), "the stage stays joining and nothing is stored");
        });
    }

    [Test, Requirement("RESP-INITIALIZING-SHAPE", "INIT-SUCCEEDED-EVALUATING")]
    public async Task MembersAddedDuringAnEpisode_TakePartInTheNextOne()
    {
        var (c, clock) = await Start();
        await using var _c = c;
        var url = c.Url(ReferenceClient.NewName(), "initialization");
        await c.Put(url, c.Alice, Create(c, null, c.Bob));
        var invited = await c.Put(url, c.Alice, """{"members":{"reserve_0":{"constants":{"system":{"xuid":"2814650000000003","initialize":true}}}}}""");
        await c.Put(url, c.Bob, ReferenceClient.Join(c.Bob));
        clock.Advance(TimeSpan.FromMilliseconds(200));
        var next = await c.Put(url, c.Alice, Decision(true));
        clock.Advance(TimeSpan.FromMilliseconds(200));
        var carolJoined = await c.Put(url, c.Carol, ReferenceClient.Join(c.Carol));
        Assert.Multiple(() =>
        {
            Assert.That((int?)Member(invited, 2)!["initializationEpisode"], Is.EqualTo(2));
            Assert.That((string?)invited.Session["nextTimer"], Is.EqualTo(At(1)), "Carol's reservation waits for her episode, not reservedRemovalTimeout");
            Assert.That(next.Session["initializing"]?.ToJsonString(), Is.EqualTo($$$"""{"stage":"joining","stageStartTime":"{{{At(0.2)}}}","episode":2}"""), "episode 2 starts when episode 1 completes");
            Assert.That(Member(next, 0)!["initializationEpisode"], Is.Null);
            Assert.That((int?)Member(next, 2)!["initializationEpisode"], Is.EqualTo(2));
            Assert.That(carolJoined.Session["initializing"]?.ToJsonString(), Is.EqualTo($$$"""{"stage":"evaluating","stageStartTime":"{{{At(0.4)}}}","episode":2}"""));
        });
    }

    [Test, Requirement("RESP-INITIALIZING-SHAPE", "CONST-CONTRACT-104-NAMES")]
    public async Task ManagedInitialization_TakesThe104Defaults()
    {
        var (c, clock) = await Start(null,
            ("auto", 105, new JsonObject { ["managedInitialization"] = new JsonObject { ["autoEvaluate"] = true } }),
            ("manual", 105, new JsonObject { ["managedInitialization"] = new JsonObject() }));
        await using var _c = c;
        var (auto, manual) = (c.Url(ReferenceClient.NewName(), "auto"), c.Url(ReferenceClient.NewName(), "manual"));
        var alone = await c.Put(c.Url(ReferenceClient.NewName(), "auto"), c.Alice, Create(c, null));
        var created = await c.Put(auto, c.Alice, Create(c, null, c.Bob));
        await c.Put(manual, c.Alice, Create(c, null, c.Bob));
        var autoJoined = await c.Put(auto, c.Bob, ReferenceClient.Join(c.Bob));
        var manualJoined = await c.Put(manual, c.Bob, ReferenceClient.Join(c.Bob));
        Assert.Multiple(() =>
        {
            Assert.That(alone.Status, Is.EqualTo(HttpStatusCode.BadRequest), "membersNeededToStart defaults to 2 in contract 104/105");
            Assert.That((string?)created.Session["nextTimer"], Is.EqualTo(At(5)), "joinTimeout defaults to 5 s in contract 104/105");
            Assert.That(autoJoined.Session["initializing"], Is.Null, "autoEvaluate true: no evaluating stage");
            Assert.That(Stage(manualJoined), Is.EqualTo("evaluating"), "autoEvaluate defaults to false: the title evaluates");
            Assert.That((string?)manualJoined.Session["nextTimer"], Is.EqualTo(At(5)), "evaluationTimeout defaults to 5 s");
        });
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.That(Stage(await c.Get(manual, c.Alice)), Is.EqualTo("failed"));
    }

    [Test, Requirement("CONST-CONTRACT-104-NAMES", "CONTRACT-VERSION-ECHO")]
    public async Task A105Answer_NamesMemberInitializationManagedInitialization_WithAutoEvaluate()
    {
        var (c, _) = await Start(["CONTRACT-VERSION-ECHO=request-version"]);
        await using var _c = c;
        var url = c.Url(ReferenceClient.NewName(), "initialization");
        await c.Put(url, c.Alice, Create(c, null, c.Bob));
        var read = await c.Get(url, c.Alice, ("X-Xbl-Contract-Version", "105"));
        var system = read.Session["constants"]!["system"]!;
        Assert.Multiple(() =>
        {
            Assert.That(system["memberInitialization"], Is.Null);
            Assert.That(system["managedInitialization"]?.ToJsonString(), Is.EqualTo("""{"joinTimeout":1000,"membersNeededToStart":2,"autoEvaluate":false}"""));
            Assert.That(Stage(read), Is.EqualTo("joining"));
        });
    }

    /// <summary>A qos session of Alice, Bob and Carol, all joined with device addresses: the session URL and their device tokens.</summary>
    private static async Task<(string Url, string[] Tokens, Reply Joined)> QosSession(ReferenceClient c, string template = "qos")
    {
        var url = c.Url(ReferenceClient.NewName(), template);
        await c.Put(url, c.Alice, Create(c, Address("alice"), c.Bob, c.Carol));
        await c.Put(url, c.Bob, MemberSystem(c.Bob, new JsonObject { ["secureDeviceAddress"] = Address("bob") }));
        var joined = await c.Put(url, c.Carol, MemberSystem(c.Carol, new JsonObject { ["secureDeviceAddress"] = Address("carol") }));
        var tokens = Enumerable.Range(0, 3).Select(i => (string)Member(joined, i)!["deviceToken"]!).ToArray();
        return (url, tokens, joined);
    }

    /// <summary>Each member uploads <paramref name="values"/>[from][to] as the metric fields named, the others set to <paramref name="rest"/>.</summary>
    private static async Task<Reply> Upload(ReferenceClient c, string url, string[] tokens, long[,] values, string[] fields, long rest, params int[] who)
    {
        var users = new[] { c.Alice, c.Bob, c.Carol };
        Reply last = null!;
        foreach (var from in who.Length > 0 ? who : [0, 1, 2])
        {
            var measurements = new JsonObject();
            for (var to = 0; to < 3; to++)
            {
                if (to == from)
                {
                    continue;
                }
                var entry = new JsonObject { ["latency"] = 10, ["bandwidthDown"] = rest, ["bandwidthUp"] = rest };
                foreach (var field in fields)
                {
                    entry[field] = values[from, to];
                }
                measurements[tokens[to]] = entry;
            }
            last = await c.Put(url, users[from], MemberSystem(users[from], new JsonObject { ["measurements"] = measurements }));
            Assert.That(last.Status, Is.EqualTo(HttpStatusCode.OK), last.ToString());
        }
        return last;
    }

    private static readonly long[,] Latencies = { { 0, 40, 300 }, { 20, 0, 100 }, { 60, 80, 0 } };

    [TestCase("INIT-QOS-HOST-CANDIDATES=meeting-requirements", "INIT-HOST-SELECTION-METRIC=toward-candidate", new[] { 0, 1 })]
    [TestCase("INIT-QOS-HOST-CANDIDATES=every-member", "INIT-HOST-SELECTION-METRIC=toward-candidate", new[] { 0, 1, 2 })]
    [TestCase("INIT-QOS-HOST-CANDIDATES=meeting-requirements", "INIT-HOST-SELECTION-METRIC=from-candidate", new[] { 1, 2 })]
    [TestCase("INIT-QOS-HOST-CANDIDATES=every-member", "INIT-HOST-SELECTION-METRIC=from-candidate", new[] { 1, 2, 0 })]
    [Requirement("INIT-QOS-HOST-CANDIDATES", "INIT-HOST-SELECTION-METRIC", "RESP-INITIALIZING-SHAPE")]
    public async Task HostCandidates_AfterMeasuring_FollowTheirReadings_UntilAHostIsSet(string membership, string direction, int[] expected)
    {
        var (c, _) = await Start([membership, direction]);
        await using var _c = c;
        var (url, tokens, joined) = await QosSession(c);
        var twoUploaded = await Upload(c, url, tokens, Latencies, ["latency"], 1_000_000, 0, 1);
        var measured = await Upload(c, url, tokens, Latencies, ["latency"], 1_000_000, 2);
        var hosted = await c.Put(url, c.Bob, """{"properties":{"system":{"host":""" + $"\"{tokens[expected[0]]}\"" + "}}}");
        Assert.Multiple(() =>
        {
            Assert.That(joined.Session["initializing"]?.ToJsonString(), Is.EqualTo($$$"""{"stage":"measuring","stageStartTime":"{{{T0}}}","episode":1}"""));
            Assert.That(Stage(twoUploaded), Is.EqualTo("measuring"), "measuring waits for every member's measurements");
            Assert.That(twoUploaded.Session["hostCandidates"], Is.Null);
            Assert.That(measured.Session["initializing"], Is.Null, "automatic evaluation: the episode completes after measuring");
            Assert.That(measured.Session["hostCandidates"]!.AsArray().Select(t => (string?)t), Is.EqualTo(expected.Select(i => tokens[i])));
            Assert.That((string?)hosted.Session["properties"]!["system"]!["host"], Is.EqualTo(tokens[expected[0]]));
            Assert.That(hosted.Session["hostCandidates"], Is.Null, "hostCandidates are cleared once a host is set");
        });
    }

    // Bandwidth measured toward each candidate (row: the measuring member, column: the candidate): Carol misses the minimum as Alice measures her.
    private static readonly long[,] Bandwidths = { { 0, 900, 50 }, { 500, 0, 2000 }, { 300, 700, 0 } };

    [TestCase("latency", new[] { "latency" }, new[] { 0, 1 })]
    [TestCase("Latency", new[] { "latency" }, new[] { 0, 1 })]
    [TestCase("bandwidthup", new[] { "bandwidthUp" }, new[] { 1, 0 })]
    [TestCase("bandwidthUp", new[] { "bandwidthUp" }, new[] { 1, 0 })]
    [TestCase("bandwidthdown", new[] { "bandwidthDown" }, new[] { 1, 0 })]
    [TestCase("bandwidth", new[] { "bandwidthDown", "bandwidthUp" }, new[] { 1, 0 })]
    [Requirement("INIT-HOST-SELECTION-METRIC", "CONST-HOST-METRIC-VALUES")]
    public async Task HostCandidates_AreOrderedBestFirst_ByTheHostSelectionMetric(string metric, string[] fields, int[] expected)
    {
        var (c, _) = await Start(null, ("qos-by-metric", 107, new JsonObject
        {
            ["capabilities"] = new JsonObject { ["connectivity"] = true },
            ["metrics"] = new JsonObject { ["latency"] = true, ["bandwidthDown"] = true, ["bandwidthUp"] = true },
            ["memberInitialization"] = new JsonObject { ["membersNeededToStart"] = 2 },
            ["peerToHostRequirements"] = new JsonObject { ["latencyMaximum"] = 250, ["bandwidthDownMinimum"] = 100, ["bandwidthUpMinimum"] = 100, ["hostSelectionMetric"] = metric },
        }));
        await using var _c = c;
        var (url, tokens, _) = await QosSession(c, "qos-by-metric");
        var measured = await Upload(c, url, tokens, fields.Contains("latency") ? Latencies : Bandwidths, fields, 1_000_000);
        Assert.That(measured.Session["hostCandidates"]!.AsArray().Select(t => (string?)t), Is.EqualTo(expected.Select(i => tokens[i])));
    }

    [Test, Requirement("RESP-INITIALIZING-SHAPE", "INIT-QOS-HOST-CANDIDATES")]
    public async Task MeasurementTimeout_FailsTheMembersWithoutMeasurements_AndTheOthersStillRankHosts()
    {
        var (c, clock) = await Start();
        await using var _c = c;
        var (url, tokens, joined) = await QosSession(c);
        await Upload(c, url, tokens, Latencies, ["latency"], 1_000_000, 0, 1);
        clock.Advance(TimeSpan.FromSeconds(4.999));
        var before = await c.Get(url, c.Alice);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var after = await c.Get(url, c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That((string?)joined.Session["nextTimer"], Is.EqualTo(At(5)), "measurementTimeout of the qos template");
            Assert.That(Stage(before), Is.EqualTo("measuring"));
            Assert.That((string?)Member(after, 2)!["initializationFailure"], Is.EqualTo("timeout"));
            Assert.That(Member(after, 0)!["initializationFailure"], Is.Null);
            Assert.That(after.Session["initializing"], Is.Null, "two members passed, as many as membersNeededToStart: the episode completes");
            Assert.That(after.Session["hostCandidates"]!.AsArray().Select(t => (string?)t), Is.EqualTo(new[] { tokens[0], tokens[1] }),
                "Carol failed, so only Alice and Bob are ranked: Bob measured 20 ms toward Alice, Alice 40 ms toward Bob");
        });
    }

    [Test, Requirement("RESP-INITIALIZING-SHAPE")]
    public async Task PeerToPeerRequirements_FailMembersByTheirWorstMeasurement_AndTheirGroups()
    {
        var (c, _) = await Start(null, ("p2p", 107, new JsonObject
        {
            ["capabilities"] = new JsonObject { ["connectivity"] = true },
            ["metrics"] = new JsonObject { ["latency"] = true, ["bandwidthDown"] = true, ["bandwidthUp"] = true },
            ["memberInitialization"] = new JsonObject { ["membersNeededToStart"] = 1 },
            ["peerToPeerRequirements"] = new JsonObject { ["latencyMaximum"] = 100, ["bandwidthMinimum"] = 1000 },
        }));
        await using var _c = c;
        var (url, tokens, _) = await QosSession(c, "p2p");
        // Carol's initialization group holds Bob: when Bob fails, she fails with group.
        await c.Put(url, c.Carol, MemberSystem(c.Carol, new JsonObject { ["secureDeviceAddress"] = Address("carol"), ["initializationGroup"] = new JsonArray(1) }));
        var latencies = new long[,] { { 0, 50, 50 }, { 200, 0, 50 }, { 50, 50, 0 } };
        var measured = await Upload(c, url, tokens, latencies, ["latency"], 5_000);
        Assert.Multiple(() =>
        {
            Assert.That(Member(measured, 0)!["initializationFailure"], Is.Null);
            Assert.That((string?)Member(measured, 1)!["initializationFailure"], Is.EqualTo("latency"), "Bob measured 200 ms toward Alice, over latencyMaximum 100");
            Assert.That((string?)Member(measured, 2)!["initializationFailure"], Is.EqualTo("group"));
            Assert.That(measured.Session["initializing"], Is.Null, "one member passed, as many as membersNeededToStart");
            Assert.That(measured.Session["hostCandidates"], Is.Null, "no peerToHostRequirements: no host candidates");
        });
    }

    [Test, Requirement("MEMBER-SYSTEM-SCHEMA")]
    public async Task MeasurementsTowardTheMembersOwnDeviceToken_Get400()
    {
        var (c, _) = await Start();
        await using var _c = c;
        var (url, tokens, _) = await QosSession(c);
        var before = await c.Get(url, c.Alice);
        var refused = await c.Put(url, c.Alice, MemberSystem(c.Alice, new JsonObject { ["measurements"] = new JsonObject { [tokens[0].ToUpperInvariant()] = new JsonObject { ["latency"] = 1 } } }));
        var after = await c.Get(url, c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(refused.Status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(refused.Body, Does.Contain("own device token"));
            Assert.That(after.Body, Is.EqualTo(before.Body));
        });
    }

    [Test]
    public async Task TheBuiltInProfile_NamesTheInitializationAndQosRoles()
    {
        var (c, _) = await Start();
        await using var _c = c;
        var templates = JsonNode.Parse(c.Server.TargetProfileJson())!["templates"]!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)templates["initialization"], Is.EqualTo("initialization"));
            Assert.That((string?)templates["qos"], Is.EqualTo("qos"));
            Assert.That((string?)templates["open"], Is.EqualTo("quick"));
        });
    }
}
