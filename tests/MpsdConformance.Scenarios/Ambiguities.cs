using System.Globalization;

namespace MpsdConformance.Scenarios;

/// <summary>
/// Points the docs leave open that no other scenario meets: each scenario puts the question to the target,
/// accepts every reading the ledger lists, records the one the target chose, and fails only an answer no
/// reading allows. (The unknown-system-key and key-name questions record readings of requirements whose
/// ledger entries name the body-rule scenario as their coverage; they name no requirement of their own.)
/// </summary>
[Order(0)] // first, like ContractShape: it holds a scenario that waits for a timer
public class Ambiguities : Scenario
{
    [Test, Requirement("PUT-CREATE-201")]
    public async Task SessionNameThatIsNoGuid_GetsADocumentedReading()
    {
        var session = T.NewSession(name: "mpsdc-" + Guid.NewGuid().ToString("N"));
        var reply = await T.Put(Alice, session, Join(Alice));
        var status = Expect.StatusIn(reply, "creating a session whose name is no GUID (the PUT page types sessionName as a GUID; other pages and the samples use free names)",
            HttpStatusCode.Created, HttpStatusCode.BadRequest, HttpStatusCode.NotFound);
        Readings.Record("PUT-CREATE-201", status == HttpStatusCode.Created ? "any-string" : "guid-only");
    }

    [Test, Requirement("BODY-TOPLEVEL-ALLOWED")]
    public async Task RoleSettingsAtTheTopLevel_GetADocumentedReading()
    {
        var (session, _) = await Create(Alice);
        var reply = await T.Put(Alice, session, """{"roleTypes":{"lfg":{"roles":{"tank":{"max":2,"target":1}}}}}""");
        AcceptedOr400(reply, "a top-level roleTypes (the Roles page's mutable role settings; the PUT page allows four top-level members only)",
            HttpStatusCode.OK, "BODY-TOPLEVEL-ALLOWED", "role-settings-too", "four-members");
    }

    [Test]
    public async Task UnknownKeyUnderConstantsSystem_GetsADocumentedReading()
    {
        var reply = await T.PutRaw(Alice, T.NewSession(), SessionRequest.Create()
            .Constants(c => c
                .System("mpsdcUnknownField", 1))
            .Me(Alice));
        AcceptedOr400(reply, "a create with an unknown key under constants.system (refused with 400, or ignored)", HttpStatusCode.Created, "CONST-SYSTEM-SCHEMA", "ignored", "400");
    }

    [Test, Requirement("CONST-MAXMEMBERS-RANGE")]
    public async Task LargeSessionSizeLimit_GetsADocumentedReading()
    {
        // Within the limit the body is valid: created, or 409 where the template's maxMembersCount clashes; above it, 400.
        async Task<bool> Refused(int members)
        {
            var reply = await T.PutRaw(Alice, T.NewSession(), SessionRequest.Create()
                .Constants(c => c
                    .System("maxMembersCount", members)
                    .System("capabilities", new JsonObject { ["large"] = true }))
                .Me(Alice));
            return Expect.StatusIn(reply, $"a large session of {members} members (1000 or 10,000 at most, or no cap: contradiction C2)",
                HttpStatusCode.Created, HttpStatusCode.Conflict, HttpStatusCode.BadRequest) == HttpStatusCode.BadRequest;
        }
        var (at5000, at20000) = (await Refused(5_000), await Refused(20_000));
        Assert.That(at5000 && !at20000, Is.False, "a target that refuses a large session of 5000 members must refuse one of 20,000 too");
        Readings.Record("CONST-MAXMEMBERS-RANGE", !at20000 ? "no-cap" : !at5000 ? "10000" : "1000");
    }

    [Test, Requirement("CONST-TIMEOUT-VALUES")]
    public async Task UnsetInactiveRemovalTimeout_ShowsADocumentedDefault()
    {
        var (_, created) = await Create(Alice);
        var shown = JsonNodes.Natural(created.Session?["constants"]?["system"]?["inactiveRemovalTimeout"]);
        switch (shown)
        {
            case 0L:
                Readings.Record("CONST-TIMEOUT-VALUES", "default-0");
                break;
            case 7_200_000L:
                Readings.Record("CONST-TIMEOUT-VALUES", "default-2h");
                break;
            default:
                Assert.Inconclusive($"the open template's sessions show inactiveRemovalTimeout {shown ?? "not at all"}: neither default (0 or 7200000) can be told apart");
                break;
        }
    }

    [Test, Requirement("CONST-CAPABILITIES-FLAGS")]
    public async Task ForbiddenCapabilityCombination_IsRefused_WithADocumentedStatus()
    {
        var (session, reply) = await CreateWithSystemConstant("capabilities", new JsonObject { ["broadcast"] = true });
        var status = Expect.StatusIn(reply, "capabilities.broadcast without large (forbidden; the status is undocumented: 400 or 409)",
            HttpStatusCode.BadRequest, HttpStatusCode.Conflict);
        Readings.Record("CONST-CAPABILITIES-FLAGS", ((int)status).ToString(CultureInfo.InvariantCulture));
        await ExpectGone(session, "nothing was created");
    }

    [Test, Requirement("CONST-MEMBER-INIT-SHAPE")]
    public async Task MembersNeededToStartZero_GetsADocumentedReading() =>
        // Alice initializes, so that membersNeededToStart 1 is met (a create short of it is INIT-MEMBERS-NEEDED-400's 400).
        await SystemConstantReading("CONST-MEMBER-INIT-SHAPE", "memberInitialization",
            new JsonObject { ["membersNeededToStart"] = 1 }, new JsonObject { ["membersNeededToStart"] = 0 }, "zero-allowed", "one-minimum",
            me => me.Constants(c => c.System("initialize", true)));

    [Test, Requirement("CONST-HOST-METRIC-VALUES")]
    public async Task HostSelectionMetricBandwidth_GetsADocumentedReading() =>
        await SystemConstantReading("CONST-HOST-METRIC-VALUES", "peerToHostRequirements",
            new JsonObject { ["hostSelectionMetric"] = "latency" }, new JsonObject { ["hostSelectionMetric"] = "bandwidth" }, "four-values", "three-values");

    [Test, Requirement("CONST-INVITE-PROTOCOL-VALUES")]
    public async Task InviteProtocolParty_GetsADocumentedReading() =>
        await SystemConstantReading("CONST-INVITE-PROTOCOL-VALUES", "inviteProtocol", "game", "party", "with-party", "const-list");

    [Test]
    public async Task UnknownKeyUnderPropertiesSystem_GetsADocumentedReading()
    {
        var (session, _) = await Create(Alice);
        var reply = await T.PutRaw(Alice, session, SessionRequest.Create()
            .Properties(p => p
                .System("mpsdcUnknownField", 1)));
        AcceptedOr400(reply, "an unknown key under properties.system (refused with 400, or ignored)", HttpStatusCode.OK, "PROPS-SYSTEM-SCHEMA", "ignored", "400");
    }

    [Test, Requirement("MEMBER-XUID-STRING")]
    public async Task MemberXuidWrittenAsANumber_GetsADocumentedReading()
    {
        var session = T.NewSession();
        var body = JsonNode.Parse(Join(Alice))!;
        body["members"]!["me"]!["constants"]!["system"]!["xuid"] = ulong.Parse(Alice.Xuid!, CultureInfo.InvariantCulture);
        var reply = await T.PutRaw(Alice, session, body.ToJsonString());
        if (AcceptedOr400(reply, "members.me with its xuid written as a JSON number (the PUT page writes a string, the MultiplayerSession sample a number: contradiction C15)",
            HttpStatusCode.Created, "MEMBER-XUID-STRING", "number-accepted", "string"))
        {
            Expect.Field(reply, "/members", Roster.Includes(Alice.Xuid), "the member is the caller, with the xuid it wrote");
        }
    }

    [Test]
    public async Task UnknownKeyUnderAMembersSystem_GetsADocumentedReading()
    {
        var (session, _) = await Create(Alice);
        var reply = await T.PutRaw(Alice, session, Join(Alice, me => me
            .Properties(p => p
                .System("mpsdcUnknownField", 1))));
        AcceptedOr400(reply, "an unknown key under a member's properties.system (refused with 400, or ignored)", HttpStatusCode.OK, "MEMBER-SYSTEM-SCHEMA", "ignored", "400");
    }

    [Test]
    public async Task InitializationGroupKeys_GetADocumentedReading()
    {
        var (session, created) = await Create(Alice);
        var index = MemberOf(created.Session!, Alice.Xuid)?.Index ?? 0;
        var (initializationGroup, group) = (await MemberSystemAccepted(session, "initializationGroup", new JsonArray(index)), await MemberSystemAccepted(session, "group", new JsonArray(index)));
        Assert.That(initializationGroup || group, Is.True, "one of the keys of contradiction C12 (initializationGroup, group) is accepted");
        Readings.Record("MEMBER-INIT-GROUP-INTS", initializationGroup && group ? "both" : initializationGroup ? "initialization-group" : "group");
    }

    [Test]
    public async Task SubscriptionForms_GetADocumentedReading()
    {
        var (session, _) = await Create(Alice);
        var id = Guid.NewGuid().ToString();
        var map = await MemberSystemAccepted(session, "subscriptions", new JsonObject { [id] = new JsonObject { ["profile"] = "party", ["onBehalfOfTitleId"] = "1234567" } });
        var single = await MemberSystemAccepted(session, "subscription", new JsonObject { ["id"] = id, ["changeTypes"] = new JsonArray("everything") });
        Assert.That(map || single, Is.True, "one of the forms of contradiction C13 (the subscriptions map, the subscription object) is accepted");
        Readings.Record("MEMBER-SUBSCRIPTIONS-SHAPE", map && single ? "both" : map ? "subscriptions-map" : "subscription-object");
    }

    [Test, Requirement("MEMBER-JOIN-ME")]
    public async Task PropertiesOnlyWriteByAUserWhoIsNoMember_GetsADocumentedReading()
    {
        var (session, _) = await Create(Alice);
        var reply = await T.Put(Bob, session, Custom(new JsonObject { ["byBob"] = 1 }));
        Expect.Status(reply, HttpStatusCode.OK, "a properties-only PUT to an open session by a user who is no member");
        Readings.Record("MEMBER-JOIN-ME", MemberOf(Expect.Session(reply, "the session after the write"), Bob.Xuid) is null ? "explicit-join" : "implicit-join");
    }

    [Test, Requirement("MEMBER-DELETE-INDEX")]
    public async Task OwnerRemovingAMemberByIndex_GetsADocumentedReading()
    {
        var (session, created) = await CreateWithSystemConstant("capabilities", new JsonObject { ["hasOwners"] = true });
        if (created.Status != HttpStatusCode.Created)
        {
            Assert.Inconclusive($"the open template refuses a session with capabilities.hasOwners ({(int)created.Status}), so no owner can be asked");
        }
        var joined = await T.Put(Bob, session, Join(Bob));
        var bob = MemberOf(Expect.Session(joined, "Bob joined"), Bob.Xuid)!.Value.Index;
        await RemoveByIndexAsOwner(Alice, session, Bob, bob, "the creator (owner) of a hasOwners session");
    }

    [Test, Order(0), Requirement("TIMER-MEMBER-REMOVAL")] // first: it waits for a timer while the rest run
    public async Task MemberReadyPastReadyRemovalTimeout_GetsADocumentedReading()
    {
        const int timeout = 1_000;
        var session = T.NewSession();
        var created = await T.Put(Alice, session, SessionRequest.Create()
            .Constants(c => c
                .System("readyRemovalTimeout", timeout)
                .System("inactiveRemovalTimeout", null)) // never: a member the ready timer sends back to inactive stays inactive
            .Me(Alice, me => me
                .Properties(p => p
                    .System("active", true))));
        if (created.Status != HttpStatusCode.Created)
        {
            Assert.Inconclusive($"the open template refuses readyRemovalTimeout {timeout} with inactiveRemovalTimeout null ({(int)created.Status}); the suite waits a few seconds at most");
        }
        var ready = await T.Put(Bob, session, Join(Bob, me => me
            .Properties(p => p
                .System("ready", true))));
        Expect.Status(ready, HttpStatusCode.OK, "a member joining ready");
        await Task.Delay(timeout + 500);
        var after = await T.Get(Alice, session);
        Expect.Session(after, "the session outlives its ready member");
        var bob = MemberOf(after.Session!, Bob.Xuid);
        Readings.Record("TIMER-MEMBER-REMOVAL", bob is null ? "removed" : "reverts-inactive");
        if (bob is not null)
        {
            Expect.Field(after, Roster.Pointer(after.Session, Bob.Xuid) + "/properties/system/ready", Is.Null.Or.False,
                "a member ready past readyRemovalTimeout is removed, or goes back to inactive (contradiction C4)");
        }
    }

    [Test, Requirement("RESERVE-ORDER")]
    public async Task ReservationKeysNotNumberedFromZero_GetADocumentedReading()
    {
        var (session, _) = await Create(Alice);
        var body = JsonNode.Parse(Reserve(Bob.Xuid!))!;
        body["members"]!["reserve_1"] = body["members"]!["reserve_0"]!.DeepClone();
        body["members"]!.AsObject().Remove("reserve_0");
        var reply = await T.Put(Alice, session, body.ToJsonString());
        if (AcceptedOr400(reply, "a reservation keyed reserve_1 alone (the docs number from 0; the answer to other numbering is undocumented)",
            HttpStatusCode.OK, "RESERVE-ORDER", "accepted-in-order", "400"))
        {
            Expect.Field(reply, "/members", Roster.Includes(Bob.Xuid), "the accepted reservation is a member");
        }
    }

    [Test, Requirement("TIMER-SESSION-EMPTY")]
    public async Task EmptySessionOfATemplateLeavingSessionEmptyTimeoutUnset_GetsADocumentedReading()
    {
        foreach (var role in new[] { "short-reservations", "open", "lingering" }.Where(r => T.Profile.Template(r) is not null))
        {
            var (session, created) = await Create(Alice, role);
            var system = created.Session?["constants"]?["system"] as JsonObject;
            if (system is null || system.ContainsKey("sessionEmptyTimeout") || system["timeouts"]?["sessionEmpty"] is not null)
            {
                continue;
            }
            var left = await T.Put(Alice, session, SessionRequest.Create().Leave());
            if (left.Session is { } answer && MemberOf(answer, Alice.Xuid) is not null)
            {
                Assert.Inconclusive("the leave did not remove the caller, so the session never became empty (MEMBER-LEAVE-NULL records it)");
            }
            Expect.Value(left, "the status", (int)left.Status, Is.InRange(200, 299),
                $"the last member leaving a session of the {role} template, which leaves sessionEmptyTimeout unset, succeeds (which status is MEMBER-LAST-LEAVE-204's)");
            // Whether the session lives on tells the reading (default 0: deleted; or kept indefinitely: contradiction C5).
            var read = await T.Get(Alice, session);
            if (read.Status == HttpStatusCode.OK && read.Session is not null)
            {
                Readings.Record("TIMER-SESSION-EMPTY", "unset-never");
                Expect.Status(left, HttpStatusCode.OK, "a leave after which the empty session lives on answers 200 with it");
            }
            else if (read.Status is HttpStatusCode.NoContent or HttpStatusCode.NotFound)
            {
                Readings.Record("TIMER-SESSION-EMPTY", "default-0");
            }
            else
            {
                Assert.Inconclusive($"the GET after the leave answered {(int)read.Status} without a session, so whether the session lives on cannot be told (GET-MISSING records the answer)");
            }
            return;
        }
        Assert.Inconclusive("every template of the profile shows a sessionEmptyTimeout, so what an unset one means cannot be seen");
    }

    /// <summary>
    /// Creates a session with the system constant <paramref name="name"/> at a value every reading accepts, then at
    /// the value the readings disagree on, and records which reading the target took.
    /// </summary>
    private static async Task SystemConstantReading(string requirement, string name, JsonNode plain, JsonNode disputed, string acceptedReading, string refusedReading,
        Action<SessionRequest.Member>? me = null)
    {
        if ((await CreateWithSystemConstant(name, plain, me)).Reply.Status is var baseline && baseline != HttpStatusCode.Created)
        {
            Assert.Inconclusive($"the open template refuses constants.system.{name} {plain.ToJsonString()} ({(int)baseline}), so {disputed.ToJsonString()} cannot be judged");
        }
        var (_, reply) = await CreateWithSystemConstant(name, disputed, me);
        AcceptedOr400(reply, $"a create with constants.system.{name} {disputed.ToJsonString()} (the docs disagree whether it is allowed)",
            HttpStatusCode.Created, requirement, acceptedReading, refusedReading);
    }

    /// <summary>
    /// A write the readings disagree on is <paramref name="accepted"/> or refused with 400: records the reading of
    /// <paramref name="requirement"/> that answer shows; true when accepted.
    /// </summary>
    private static bool AcceptedOr400(MpsdResponse reply, string why, HttpStatusCode accepted, string requirement, string acceptedReading, string refusedReading)
    {
        var status = Expect.StatusIn(reply, why, accepted, HttpStatusCode.BadRequest);
        Readings.Record(requirement, status == accepted ? acceptedReading : refusedReading);
        return status == accepted;
    }

    /// <summary>Alice creates a new session of the open template, joining it (with what <paramref name="me"/> writes), with the session constant <c>system.{name}</c>.</summary>
    private static async Task<(SessionRef Session, MpsdResponse Reply)> CreateWithSystemConstant(string name, JsonNode value, Action<SessionRequest.Member>? me = null)
    {
        var session = T.NewSession();
        var reply = await T.Put(Alice, session, SessionRequest.Create()
            .Constants(c => c
                .System(name, value))
            .Me(Alice, me));
        return (session, reply);
    }

    /// <summary>Writes the caller's own <c>properties.system.{name}</c>; true when accepted (200), false when refused (400).</summary>
    private static async Task<bool> MemberSystemAccepted(SessionRef session, string name, JsonNode value)
    {
        var reply = await T.Put(Alice, session, Join(Alice, me => me
            .Properties(p => p
                .System(name, value))));
        return Expect.StatusIn(reply, $"a member writing properties.system.{name}", HttpStatusCode.OK, HttpStatusCode.BadRequest) == HttpStatusCode.OK;
    }
}
