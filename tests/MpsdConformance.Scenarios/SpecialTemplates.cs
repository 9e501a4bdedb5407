namespace MpsdConformance.Scenarios;

/// <summary>
/// Behaviour that needs a template the open one is not: each test names the profile's template role it
/// needs and ends not-applicable when the profile lacks it.
/// </summary>
public class SpecialTemplates : Scenario
{
    [Test, Requirement("TIMER-SESSION-EMPTY")]
    public async Task EmptySessionWithATimeout_LivesOn()
    {
        var role = RequireTemplate("lingering"); // sessionEmptyTimeout > 0
        var (session, _) = await Create(Alice, role);
        var left = await T.Put(Alice, session, SessionRequest.Create().Leave());
        Expect.Status(left, HttpStatusCode.OK, "the last member leaving a session whose sessionEmptyTimeout is not 0");
        var shown = left.Session?["membersInfo"] is not null || left.Session?["members"] is not null;
        Readings.Record("RESP-MEMBERSINFO-SHAPE", shown ? "present-empty" : "absent");
        if (shown && MemberOf(left.Session!, Alice.Xuid) is null) // a leave that removed nobody is MEMBER-LEAVE-NULL's to judge
        {
            Expect.Value(left, "membersInfo.count (as a number)", Number(left.Session?["membersInfo"]?["count"]), Is.EqualTo(0),
                "an empty session that lives on shows count 0 (or leaves members and membersInfo out)");
        }
        var read = await T.Get(Alice, session);
        Expect.Session(read, "the empty session lives on until its sessionEmptyTimeout runs out");
    }

    [Test, Requirement("SESSION-RESTART-CORRELATION")]
    public async Task EmptySessionJoinedAgain_KeepsItsCorrelationId()
    {
        var role = RequireTemplate("lingering"); // sessionEmptyTimeout > 0
        var (session, created) = await Create(Alice, role);
        var left = await T.Put(Alice, session, SessionRequest.Create().Leave());
        if (left.Status != HttpStatusCode.OK)
        {
            Assert.Inconclusive($"the empty session did not live on (the leave answered {(int)left.Status}; TIMER-SESSION-EMPTY records it)");
        }
        var rejoined = await T.Put(Alice, session, Join(Alice));
        Expect.Status(rejoined, HttpStatusCode.OK, "joining the empty session again");
        Expect.Field(rejoined, "/correlationId", Is.EqualTo((string?)created.Session?["correlationId"]), "a restarted session keeps its correlationId");
    }

    [Test, Requirement("LARGE-ME-ONLY")]
    public async Task LargeSession_ListsOnlyTheCaller()
    {
        var role = RequireTemplate("large"); // capabilities.large
        var (session, _) = await Create(Alice, role);
        await T.Put(Bob, session, Join(Bob));
        var read = await T.Get(Alice, session);
        Expect.Field(read, "/members", Is.InstanceOf<JsonObject>().And.All.Property("Key").EqualTo("me"), "a large session shows at most the caller, keyed me");
        var reserve = await T.Put(Alice, session, Reserve(Carol.Xuid!));
        Expect.Status(reserve, HttpStatusCode.Conflict, "large sessions refuse reservations");
    }

    [Test, Requirement("INIT-MEMBERS-NEEDED-400")]
    public async Task CreateShortOfMembersNeededToStart_Gets400()
    {
        var role = RequireTemplate("initialization"); // memberInitialization with membersNeededToStart >= 2
        var session = T.NewSession(role);
        var reply = await T.Put(Alice, session, Join(Alice, me => me
            .Constants(c => c
                .System("initialize", true))));
        Expect.Status(reply, HttpStatusCode.BadRequest, "a create with fewer initializing members than membersNeededToStart");
        await ExpectGone(session, "the refused create stored nothing");
    }
}
