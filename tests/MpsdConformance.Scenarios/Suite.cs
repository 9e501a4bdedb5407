using System.Diagnostics;
using MpsdConformance.Hosting;

// Every scenario runs in parallel with every other (each on its own sessions, its state per async flow, a fixture
// instance per test), up to the level of parallelism below.
[assembly: Parallelizable(ParallelScope.All)]
[assembly: FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
[assembly: LevelOfParallelism(8)]

namespace MpsdConformance.Scenarios;

/// <summary>
/// The run the scenarios belong to: the one a host handed over (the command line), or, under
/// <c>dotnet test</c>, one this fixture hosts itself (the embedded reference server unless MPSD_PROFILE names a
/// target), whose results it writes to scenario-results.json at the end.
/// </summary>
[SetUpFixture]
public sealed class Suite
{
    private static SuiteRun? _run;
    private static TargetHost? _ownHost;

    /// <summary>The run in progress.</summary>
    public static SuiteRun Run => _run ?? throw new InvalidOperationException("the suite's run is not started");

    /// <summary>The target of this run.</summary>
    public static Target Target => Run.Target;

    [OneTimeSetUp]
    public async Task StartTarget()
    {
        if (SuiteRun.Hosted is { } hosted)
        {
            _run = hosted;
            return;
        }
        var settings = HarnessSettings.Read(Environment.GetEnvironmentVariable, name => TestContext.Parameters.Get(name));
        _ownHost = await TargetHost.StartAsync(settings.ProfilePath is { Length: > 0 } path ? TargetProfile.Load(path) : null);
        _run = new SuiteRun(Harness.Target.Connect(_ownHost.Profile, settings));
        TestContext.Progress.WriteLine($"MPSD conformance: target {_ownHost.Profile.Source} at {_run.Target.Redactor.Redact(_ownHost.Profile.BaseUrl.ToString())}");
    }

    [OneTimeTearDown]
    public async Task StopTarget()
    {
        if (_ownHost is null || _run is null)
        {
            _run = null;
            return;
        }
        var directory = _run.Target.Settings.ResultsDirectory ?? Path.Combine(TestContext.CurrentContext.WorkDirectory, "mpsd-results");
        var path = _run.Finish().Write(directory);
        TestContext.Progress.WriteLine($"MPSD conformance: results in {path}");
        _run.Target.Dispose();
        await _ownHost.DisposeAsync();
        (_run, _ownHost) = (null, null);
    }
}

/// <summary>Base of every scenario: a fresh state per test, cleanup and a recorded result whatever the outcome.</summary>
public abstract class Scenario
{
    private Stopwatch _clock = new();

    /// <summary>The target.</summary>
    protected static Target T => Suite.Target;

    /// <summary>The first user of the profile.</summary>
    protected static Identity Alice => T.Profile.Users[0];

    /// <summary>The second user.</summary>
    protected static Identity Bob => T.Profile.Users[1];

    /// <summary>The third user.</summary>
    protected static Identity Carol => T.Profile.Users[2];

    /// <summary>The server principal; the test ends not-applicable when the profile has none.</summary>
    protected static Identity ServerPrincipal =>
        T.Profile.Server ?? throw new IgnoreException("not-applicable: the target profile names no server principal");

    /// <summary>A template role; the test ends not-applicable when the profile lacks it.</summary>
    protected static string RequireTemplate(string role) =>
        T.Profile.Template(role) is not null ? role : throw new IgnoreException($"not-applicable: the target profile names no '{role}' template");

    [SetUp]
    public void BeginScenario()
    {
        ScenarioState.Begin();
        _clock = Stopwatch.StartNew();
    }

    [TearDown]
    public async Task EndScenario()
    {
        var state = ScenarioState.Current!;
        var exchanges = state.Exchanges;
        var findings = state.Findings;
        var readings = state.Readings;
        var cleanup = await T.CleanUpAsync();
        ScenarioState.End();
        var context = TestContext.CurrentContext;
        // A [TestCase] test carries its method's [Requirement] on the parent suite, so read both.
        var fromMethod = context.Test.Method?.GetCustomAttributes<RequirementAttribute>(true).SelectMany(a => a.Ids) ?? [];
        var requirements = context.Test.Properties[RequirementAttribute.PropertyName].Cast<string>().Concat(fromMethod).Distinct().ToList();
        var message = context.Result.Message is { } m ? T.Redactor.Redact(m) : null;
        Suite.Run.Add(new ScenarioResult(context.Test.Name, context.Test.FullName, requirements, SuiteRun.OutcomeOf(context.Result.Outcome, message), message,
            _clock.Elapsed.TotalMilliseconds, exchanges, findings, readings, cleanup));
        foreach (var problem in cleanup)
        {
            TestContext.Out.WriteLine($"cleanup: {problem}");
        }
    }

    /// <summary>
    /// Whether <paramref name="after"/> shows an accepted outcome's effect (removed, dropped, stored,
    /// dropped-or-kept) at <paramref name="location"/>, compared with <paramref name="before"/> and with the value
    /// the request <paramref name="body"/> held at <paramref name="bodyLocation"/>.
    /// </summary>
    protected static bool ShowsEffect(string effect, string location, JsonNode? before, JsonNode? after, string body, string bodyLocation)
    {
        var now = JsonNodes.Resolve(after, location);
        bool Dropped() => JsonNodes.Resolve(before, location) is var was && was.Found == now.Found && JsonNode.DeepEquals(was.Node, now.Node);
        bool Stored() => now.Found && JsonNode.DeepEquals(now.Node, JsonNodes.Resolve(JsonNode.Parse(body), bodyLocation).Node);
        return effect switch
        {
            "removed" => !now.Found,
            "dropped" => Dropped(),
            "stored" => Stored(),
            "dropped-or-kept" => Dropped() || Stored(),
            _ => false,
        };
    }

    /// <summary>
    /// <paramref name="owner"/> removes <paramref name="removed"/> (member <paramref name="index"/>) by index. Either
    /// reading of MEMBER-DELETE-INDEX holds: 403 (service principals only) or the removal (owners too, per the
    /// browse page); records which, and checks the roster follows.
    /// </summary>
    protected static async Task RemoveByIndexAsOwner(Identity owner, SessionRef session, Identity removed, int index, string who)
    {
        var reply = await T.DeleteMember(owner, session, index);
        var status = Expect.StatusIn(reply, $"{who} removing another member by index (403: service principals only; allowed: owners too, per the browse page)",
            HttpStatusCode.Forbidden, HttpStatusCode.OK, HttpStatusCode.NoContent);
        Readings.Record("MEMBER-DELETE-INDEX", status == HttpStatusCode.Forbidden ? "service-principal" : "owners-too");
        var after = await T.Get(owner, session);
        Expect.Field(after, "/members", status == HttpStatusCode.Forbidden ? Roster.Includes(removed.Xuid) : Roster.Excludes(removed.Xuid),
            status == HttpStatusCode.Forbidden ? "the refused removal changed nothing" : "the member is gone");
    }

    /// <summary><c>{"members":{"me":{...}}}</c> for <paramref name="who"/>, with what <paramref name="build"/> writes in the entry.</summary>
    protected static string Join(Identity who, Action<SessionRequest.Member>? build = null) => SessionRequest.Create().Me(who, build);

    /// <summary>A create body: custom constants of the title, and <paramref name="who"/> joining.</summary>
    protected static string JoinWithCustomConstants(Identity who, JsonObject customConstants) =>
        SessionRequest.Create()
            .Constants(c =>
            {
                foreach (var (name, value) in customConstants)
                {
                    c.Custom(name, value?.DeepClone());
                }
            })
            .Me(who);

    /// <summary>Reservations <c>reserve_0..n</c> for these xuids, in this order.</summary>
    protected static string Reserve(params string[] xuids) => SessionRequest.Create().Reserve(xuids);

    /// <summary><c>{"properties":{"custom":{...}}}</c>.</summary>
    protected static string Custom(JsonObject custom) =>
        SessionRequest.Create()
            .Properties(p =>
            {
                foreach (var (name, value) in custom)
                {
                    p.Custom(name, value?.DeepClone());
                }
            });

    /// <summary>Creates a session of <paramref name="role"/> joined by <paramref name="who"/> (see <see cref="ExpectCreated"/>).</summary>
    protected static async Task<(SessionRef Session, MpsdResponse Created)> Create(Identity who, string role = "open")
    {
        var session = T.NewSession(role);
        var created = await T.Put(who, session, Join(who));
        ExpectCreated(created, "a PUT that joins a session that does not exist creates it");
        return (session, created);
    }

    /// <summary>
    /// Reserves every place of a session <paramref name="created"/> answered but the creator's; inconclusive when the
    /// template does not show its maxMembersCount or has more than 16 places.
    /// </summary>
    protected static async Task FillUp(SessionRef session, MpsdResponse created)
    {
        var max = (int?)created.Session!["constants"]?["system"]?["maxMembersCount"];
        if (max is null or > 16)
        {
            Assert.Inconclusive($"the open template's maxMembersCount is {(max is null ? "not shown" : max.ToString())}; filling more than 16 places is not attempted");
        }
        if (max > 1)
        {
            var fillers = Enumerable.Range(1, max!.Value - 1).Select(i => (2814659900000000L + i).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Expect.Status(await T.Put(Alice, session, Reserve(fillers)), HttpStatusCode.OK, "reserving the remaining places");
        }
    }

    /// <summary>
    /// A create that succeeded: 201, or 200 with the session, since the status of a create is PUT-CREATE-201's
    /// to judge, not every scenario's that needs a session.
    /// </summary>
    protected static void ExpectCreated(MpsdResponse reply, string why)
    {
        if (reply.Status != HttpStatusCode.OK || reply.Session is null)
        {
            Expect.Status(reply, HttpStatusCode.Created, why);
        }
    }

    /// <summary>
    /// A GET of a session that must not exist: 204 or 404 pass, a session document fails; any other answer
    /// leaves the scenario inconclusive (GET-MISSING is where such an answer fails).
    /// </summary>
    protected static async Task ExpectGone(SessionRef session, string why)
    {
        var read = await T.Get(Alice, session);
        if (read.Status is HttpStatusCode.NoContent or HttpStatusCode.NotFound)
        {
            return;
        }
        if (read.Session is null)
        {
            Assert.Inconclusive($"{why}: the answer to a GET of it is neither 204, 404 nor a session, so whether it exists cannot be told (GET-MISSING records the answer)\n{read.Exchange.Describe()}");
        }
        Expect.StatusIn(read, why, HttpStatusCode.NoContent, HttpStatusCode.NotFound);
    }

    /// <summary>
    /// An integer field of a session document, written as a JSON number or a decimal string, or null: scenarios
    /// that count members leave the field's JSON type to the response-shape requirements.
    /// </summary>
    protected static long? Number(JsonNode? node) =>
        node is JsonValue value && (value.TryGetValue(out long n) || (value.TryGetValue(out string? text) && long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out n)))
            ? n
            : null;

    /// <summary>
    /// The ETag of a response, for tests that exercise If-Match or If-None-Match; without one the test
    /// cannot decide and ends inconclusive (ETAG-PRESENT is where the missing ETag fails).
    /// </summary>
    protected static string ETagOf(MpsdResponse response)
    {
        if (string.IsNullOrEmpty(response.ETag))
        {
            Assert.Inconclusive("the target sent no ETag, so the precondition cannot be exercised (ETAG-PRESENT records the missing ETag)");
        }
        return response.ETag!;
    }

    /// <summary>Findings of this test that concern the given requirements only (others count against their own).</summary>
    protected static List<ContractFinding> FindingsFor(params string[] requirements) =>
        Target.Findings?.Where(f => requirements.Contains(f.Requirement)).ToList() ?? [];

    /// <summary>The member entry of a xuid, with its index.</summary>
    protected static (int Index, JsonObject Member)? MemberOf(JsonObject session, string? xuid) => Roster.Find(session["members"], xuid);
}
