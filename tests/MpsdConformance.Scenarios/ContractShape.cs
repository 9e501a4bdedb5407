using MpsdConformance.Contract;

namespace MpsdConformance.Scenarios;

/// <summary>
/// The documented body rules, from the target's side: a body that breaks one rule (the project's invalid
/// fixtures, one per requirement) is refused and stores nothing; bodies the docs allow are accepted.
/// </summary>
[Order(0)] // first: it holds the scenario that waits for the reservation timer
public class ContractShape : Scenario
{
    private static string FixturesRoot() =>
        ContractFiles.DefaultFixturesDirectory() ?? throw new InvalidOperationException(
            $"no fixtures folder: set {ContractFiles.FixturesDirVariable}, or run from a clone or the installed tool (which ship fixtures/)");

    private static readonly Lazy<FixtureCatalog> Catalog = new(() => FixtureCatalog.Load(FixturesRoot()));

    /// <summary>The first invalid fixture for each requirement the request and properties schemas enforce.</summary>
    public static IEnumerable<TestCaseData> OneBrokenBodyPerRequirement() =>
        Catalog.Value.Cases
            .Where(c => !c.ExpectValid && c.Kind != SchemaKind.Response && c.Requirement is not null && !c.RelativePath.StartsWith("docs/", StringComparison.Ordinal))
            .GroupBy(c => c.Requirement!)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            // Per rule: the first body every reading refuses (it decides the rule), and the first body a documented
            // reading may accept (it observes that reading), where there are such bodies.
            .SelectMany(g => new[]
            {
                g.Where(c => (c.Accepted?.Count ?? 0) == 0).OrderBy(c => c.RelativePath, StringComparer.Ordinal).FirstOrDefault(),
                g.Where(c => (c.Accepted?.Count ?? 0) > 0).OrderBy(c => c.RelativePath, StringComparer.Ordinal).FirstOrDefault(),
            }.OfType<FixtureCase>())
            .Select(c => new TestCaseData(c.RelativePath)
                .SetName($"BodyBreakingOneRule_IsRefused({c.Requirement}: {Path.GetFileNameWithoutExtension(c.RelativePath)})")
                .SetProperty(RequirementAttribute.PropertyName, c.Requirement!));

    /// <summary>
    /// The body is refused and stores nothing, or, where a documented reading (or a combination of readings on the
    /// same field) accepts it, it is accepted with exactly the effect that reading gives, and the reading is
    /// recorded. What may happen is stated per fixture ("accepted" in expected-failures.json) and kept in step
    /// with the ledger by a self-test.
    /// </summary>
    [TestCaseSource(nameof(OneBrokenBodyPerRequirement))]
    public async Task BodyBreakingOneRule_IsRefused(string fixturePath)
    {
        var fixture = Catalog.Value.Cases.Single(c => c.RelativePath == fixturePath);
        var body = File.ReadAllText(fixture.FullPath);
        var accepted = fixture.Accepted ?? [];
        var (session, created) = await Create(Alice);
        var before = await T.Get(Alice, session);
        // A session body is sent as Bob's own, so that nothing but the broken rule stands in its way (see AsBobsOwn).
        var properties = fixture.Kind == SchemaKind.Properties;
        var (create, sent) = properties ? (false, body) : AsBobsOwn(body, fixture.Pointer ?? "", created.Session?["constants"]?["system"] as JsonObject);
        var target = create ? T.NewSession() : session;
        var sender = properties ? Alice : Bob;
        var reply = properties
            ? await T.Send(HttpMethod.Put, T.Url(session, "/properties"), Alice, body, null, [])
            : await T.PutRaw(Bob, target, sent);
        var why = $"a body that breaks the contract at {fixture.Pointer} is refused (the docs name 400 for bodies invalid on first examination; a target may answer 403 or 409 where the rule is about who may write or what is fixed)";
        if ((int)reply.Status is >= 200 and < 300 && accepted.Count > 0)
        {
            var after = await T.Get(sender, target);
            var seen = accepted.FirstOrDefault(a => Holds(a, fixture.Kind, sent, create ? null : before.Session, after.Session, sender.Xuid));
            Expect.Value(after, $"the stored session after the body breaking {fixture.Pointer} was accepted", seen?.ToString(), Is.Not.Null,
                $"a documented reading accepts this body only as: {string.Join("; ", accepted)}");
            foreach (var reading in seen!.Readings)
            {
                Readings.Record(reading[..reading.IndexOf('=', StringComparison.Ordinal)], reading[(reading.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            }
            return;
        }
        Expect.StatusIn(reply, accepted.Count == 0 ? why : $"{why}; a documented reading may instead accept it: {string.Join("; ", accepted)}",
            HttpStatusCode.BadRequest, HttpStatusCode.Forbidden, HttpStatusCode.Conflict, (HttpStatusCode)422);
        var unchanged = await T.Get(Alice, session);
        Expect.Unchanged(before, unchanged, "the refused body changed nothing", "/properties", "/members", "/constants");
        if (create)
        {
            await ExpectGone(target, "the refused create stored nothing");
        }
        RecordRefusingReadings(accepted);
    }

    /// <summary>
    /// A refusal tells which reading the target took where one reading alone would have accepted the body and its
    /// ambiguity has exactly one other reading (a combination of readings leaves the refusal unexplained).
    /// </summary>
    private static void RecordRefusingReadings(IReadOnlyList<AcceptedOutcome> accepted)
    {
        foreach (var single in accepted.Where(a => a.Readings.Count == 1).Select(a => a.Readings[0]).Distinct())
        {
            var requirement = single[..single.IndexOf('=', StringComparison.Ordinal)];
            var accepting = accepted.SelectMany(a => a.Readings).Where(r => r.StartsWith(requirement + "=", StringComparison.Ordinal)).ToHashSet();
            var others = RequirementLedger.Shared().Find(requirement)?.Ambiguity?.Readings.Where(r => !accepting.Contains($"{requirement}={r.Id}")).ToList() ?? [];
            if (others.Count == 1)
            {
                Readings.Record(requirement, others[0].Id);
            }
        }
    }

    /// <summary>Whether the stored session shows <paramref name="outcome"/>'s effect at its location.</summary>
    private static bool Holds(AcceptedOutcome outcome, SchemaKind kind, string body, JsonObject? before, JsonObject? after, string? sender)
    {
        var location = kind == SchemaKind.Properties ? "/properties" + outcome.Location : outcome.Location;
        if (location.StartsWith("/members/me/", StringComparison.Ordinal))
        {
            location = Roster.Pointer(after, sender) + location["/members/me".Length..];
        }
        return ShowsEffect(outcome.Effect, location, before, after, body, outcome.Location);
    }

    /// <summary>
    /// A fixture's session body as Bob would send it, so that the one broken rule is the only reason to refuse it:
    /// its members.me and initiators name Bob, and a body with constants creates a new session (constants are fixed
    /// once a session exists) with the template's own values where the fixture's differ. The value at
    /// <paramref name="pointer"/> (the broken one) is never touched; a body that is no JSON object is sent as it is.
    /// </summary>
    private static (bool Create, string Body) AsBobsOwn(string body, string pointer, JsonObject? templateSystem)
    {
        try
        {
            return JsonNode.Parse(body) is JsonObject root ? AsBobsOwn(root, pointer, templateSystem) : (false, body);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException or InvalidOperationException)
        {
            return (false, body);
        }
    }

    private static (bool Create, string Body) AsBobsOwn(JsonObject root, string pointer, JsonObject? templateSystem)
    {
        bool Broken(string at) => pointer == at || pointer.StartsWith(at + "/", StringComparison.Ordinal);
        if (root["members"]?["me"]?["constants"]?["system"] is JsonObject me && me["xuid"] is JsonValue && !Broken("/members/me/constants/system/xuid"))
        {
            me["xuid"] = Bob.Xuid;
        }
        var system = root["constants"]?["system"] as JsonObject;
        if (system?["initiators"] is JsonArray initiators)
        {
            for (var i = 0; i < initiators.Count; i++)
            {
                if (initiators[i] is JsonValue v && v.TryGetValue(out string? _) && !Broken($"/constants/system/initiators/{i}"))
                {
                    initiators[i] = Bob.Xuid;
                }
            }
        }
        foreach (var (name, value) in templateSystem ?? [])
        {
            if (system is not null && system.ContainsKey(name) && !Broken("/constants/system/" + name))
            {
                system[name] = value?.DeepClone();
            }
        }
        return (root.ContainsKey("constants"), root.ToJsonString());
    }

    [TestCase("\"a string\""), TestCase("[1,2]"), TestCase("42"), TestCase("{\"deep\":{\"er\":[{\"x\":null}]}}")]
    [Requirement("BODY-CUSTOM-ANY")]
    public async Task CustomProperties_HoldAnyJson(string value)
    {
        var (session, _) = await Create(Alice);
        var reply = await T.Put(Alice, session, Join(Alice, me => me
            .Properties(p => p
                .Custom("v", JsonNode.Parse(value)))));
        Expect.Status(reply, HttpStatusCode.OK, "custom holds any JSON value");
        Expect.Field(reply, Roster.Pointer(reply.Session, Alice.Xuid) + "/properties/custom/v", Json.EqualTo(value), "the value is stored as written");
    }

    [Test, Requirement("CONST-CONTRACT-104-NAMES", "CONST-TIMEOUT-VALUES")]
    public async Task Contract105Create_WithThe104TimeoutNames_AndANullTimeout_IsUnderstood()
    {
        var session = T.NewSession();
        var body = SessionRequest.Create()
            .Constants(c => c
                .Timeouts104(("inactive", null), ("ready", 180_000)))
            .Me(Alice);
        var reply = await T.Send(HttpMethod.Put, T.Url(session), Alice, body, SchemaKind.Request, [("X-Xbl-Contract-Version", "105")]);
        if (reply.Status != HttpStatusCode.Conflict)
        {
            ExpectCreated(reply, "a contract 105 create naming timeouts the 104/105 way (409 if the template fixes them differently; never 400, the names and null are documented)");
        }
    }

    [Test, Requirement("MEMBER-READY-ACTIVE-EXCLUSIVE")]
    public async Task ReadyAndActiveBothTrue_AreRefused()
    {
        var (session, _) = await Create(Alice);
        var before = await T.Get(Alice, session);
        var reply = await T.PutRaw(Alice, session, """{"members":{"me":{"properties":{"system":{"ready":true,"active":true}}}}}""");
        var status = Expect.StatusIn(reply, "ready and active are mutually exclusive", HttpStatusCode.BadRequest, HttpStatusCode.Conflict);
        Readings.Record("MEMBER-READY-ACTIVE-EXCLUSIVE", ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var after = await T.Get(Alice, session);
        Expect.Unchanged(before, after, "the member is unchanged", "/members");
    }

    [Test, Requirement("PROPS-KEYWORDS-PRIVATE")]
    public async Task KeywordsOnAPrivateSession_AreRefused()
    {
        var role = RequireTemplate("private");
        var (session, _) = await Create(Alice, role);
        var reply = await T.Put(Alice, session, SessionRequest.Create()
            .Properties(p => p
                .System("keywords", new JsonArray("lfg"))));
        var status = Expect.StatusIn(reply, "keywords cannot be set on a private session", HttpStatusCode.BadRequest, HttpStatusCode.Forbidden, HttpStatusCode.Conflict);
        if (status != HttpStatusCode.Forbidden)
        {
            Readings.Record("PROPS-KEYWORDS-PRIVATE", ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Test, Requirement("PROPS-HOST-MUST-MATCH")]
    public async Task HostThatIsNoMembersDeviceToken_IsDropped()
    {
        var (session, _) = await Create(Alice);
        var reply = await T.Put(Alice, session, SessionRequest.Create()
            .Properties(p => p
                .System("host", "00000000deadbeef-not-a-device-token")));
        Expect.Status(reply, HttpStatusCode.OK, "a host value matching no member's device token is silently dropped, not refused");
        Expect.Field(reply, "/properties/system/host", Is.Null, "the stored session has no host");
    }

    [Test, Requirement("RESP-MATCHMAKING-SERVER")]
    public async Task MatchmakingServerEntry_IsAValidDocument()
    {
        var server = ServerPrincipal;
        var (session, _) = await Create(Alice);
        var reply = await T.Put(server, session, SessionRequest.Create()
            .Server("matchmaking", s => s
                .Properties(p => p
                    .System("status", "searching")
                    .System("typicalWait", 30)
                    .System("targetSessionRef", new JsonObject { ["scid"] = "8e9a0f52-6e6b-4c1a-9d2e-1b7c3f0a5d11", ["templateName"] = "quick", ["name"] = "m" }))));
        Expect.Status(reply, HttpStatusCode.OK, "a server principal writing the matchmaking server entry");
        var mine = FindingsFor("RESP-MATCHMAKING-SERVER");
        Assert.That(mine, Is.Empty, () => string.Join("\n", mine.Select(f => $"[{f.Requirement}] {f.Message}")));
    }

    [Test, Requirement("DELETE-MISSING-ELEMENT")]
    public async Task DeleteMe_ByANonMember_GetsADocumentedReading()
    {
        var (session, _) = await Create(Alice);
        var reply = await T.DeleteMe(Bob, session);
        var status = Expect.StatusIn(reply, "DELETE .../members/me by a non-member (404, 204 or 200 unchanged)", HttpStatusCode.NotFound, HttpStatusCode.NoContent, HttpStatusCode.OK);
        Readings.Record("DELETE-MISSING-ELEMENT", status == HttpStatusCode.OK ? "200-unchanged" : ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var after = await T.Get(Alice, session);
        Expect.Field(after, "/members", Roster.Includes(Alice.Xuid), "the session and its member are untouched");
    }

    [Test, Requirement("CONTRACT-VERSION-ECHO")]
    public async Task ContractVersion_FollowsADocumentedReading()
    {
        var session = T.NewSession();
        var reply = await T.Send(HttpMethod.Put, T.Url(session), Alice, Join(Alice), SchemaKind.Request, [("X-Xbl-Contract-Version", "105")]);
        ExpectCreated(reply, "a contract 105 request creating a session");
        var read = await T.Get(Alice, session);
        int? Version(MpsdResponse r) => r.Session?["contractVersion"] is JsonValue v && v.TryGetValue(out int n) ? n : null;
        if (Version(reply) is not { } answered || Version(read) is not { } later)
        {
            Assert.Inconclusive("an answer has no integer contractVersion (RESP-CONTRACT-VERSION records it)");
            return;
        }
        var requestVersion = answered == 105 && T.Profile.ContractVersion != 105;
        Readings.Record("CONTRACT-VERSION-ECHO", requestVersion ? "request-version" : "template-version");
        // Either reading is consistent: each answer follows its own request's version, or every answer shows the session's contract.
        Expect.Value(read, "contractVersion of a GET sent with the profile's version", later, Is.EqualTo(requestVersion ? T.Profile.ContractVersion : answered),
            requestVersion ? "the answer follows the request's contract version" : "the answer reports the contract the session runs under, as the create's answer did");
    }

    [Test, Order(0), Requirement("TIMER-RESERVED-REMOVAL")] // first: it waits for a timer while the rest run
    public async Task Reservation_IsRemovedAfterReservedRemovalTimeout()
    {
        // The profile's "short-reservations" template (reservedRemovalTimeout of a few seconds) when it has one.
        var role = T.Profile.Template("short-reservations") is not null ? "short-reservations" : "open";
        var (session, created) = await Create(Alice, role);
        var timeout = (long?)created.Session!["constants"]?["system"]?["reservedRemovalTimeout"] ?? 30_000;
        if (timeout > 5_000)
        {
            Assert.Inconclusive($"the {role} template's reservedRemovalTimeout is {timeout} ms; the suite waits at most 5 s (give the profile a 'short-reservations' template)");
        }
        var sent = System.Diagnostics.Stopwatch.StartNew();
        await T.Put(Alice, session, Reserve(Bob.Xuid!));
        var reserved = await T.Get(Alice, session);
        if (sent.ElapsedMilliseconds >= timeout && Roster.Find(reserved.Session?["members"], Bob.Xuid) is null)
        {
            Assert.Inconclusive($"the reservation and the read after it took {sent.ElapsedMilliseconds} ms, not less than the {timeout} ms reservedRemovalTimeout: the reservation may have expired before it could be seen");
        }
        Expect.Field(reserved, "/members", Roster.Includes(Bob.Xuid), "the reservation is there before the timeout");
        await Task.Delay(TimeSpan.FromMilliseconds(timeout + 500));
        var after = await T.Get(Alice, session);
        Expect.Session(after, "the session outlives the reservation");
        Expect.Field(after, "/members", Roster.Excludes(Bob.Xuid), "the reservation is gone by the first read after the timeout");
    }
}
