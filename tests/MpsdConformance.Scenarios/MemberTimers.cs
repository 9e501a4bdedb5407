namespace MpsdConformance.Scenarios;

/// <summary>
/// Members removed for being inactive: inactiveRemovalTimeout on the profile's "short-timers" template (an
/// inactiveRemovalTimeout of a few seconds), and what a timeout of 0, the contract-107 default, does. (The ready
/// timer's scenario is in <see cref="Ambiguities"/>: what it does is contradiction C4.)
/// </summary>
[Order(0)] // first, like ContractShape and Ambiguities: it holds a scenario that waits for a timer
public class MemberTimers : Scenario
{
    [Test, Order(0), Requirement("TIMER-INACTIVE-REMOVAL")] // first: it waits for a timer while the rest run
    public async Task InactiveMemberPastInactiveRemovalTimeout_IsRemoved_WhileAnActiveOneStays()
    {
        var role = RequireTemplate("short-timers"); // inactiveRemovalTimeout of a few seconds
        var session = T.NewSession(role);
        var created = await T.Put(Alice, session, Join(Alice, me => me
            .Properties(p => p
                .System("active", true))));
        ExpectCreated(created, "an active member creating a session of the short-timers template");
        var system = created.Session!["constants"]?["system"];
        var timeout = Number(system?["inactiveRemovalTimeout"] ?? system?["timeouts"]?["inactive"]);
        if (timeout is null or <= 0 or > 5_000)
        {
            Assert.Inconclusive($"the {role} template's inactiveRemovalTimeout is {timeout?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "not shown"}; the suite waits at most 5 s for a timeout above 0");
        }
        // Neither active nor ready: Bob is inactive from the moment he joins.
        var joined = await T.Put(Bob, session, Join(Bob));
        Expect.Field(joined, "/members", Roster.Includes(Bob.Xuid), "the inactive member is there before the timeout");
        await Task.Delay(TimeSpan.FromMilliseconds(timeout!.Value + 500));
        var after = await T.Get(Alice, session);
        Expect.Session(after, "the session outlives its inactive member");
        Expect.Field(after, "/members", Roster.Includes(Alice.Xuid), "an active member stays");
        Expect.Field(after, "/members", Roster.Excludes(Bob.Xuid), "a member inactive longer than inactiveRemovalTimeout is gone by the first read after it");
    }

    [Test, Requirement("TIMER-INACTIVE-REMOVAL")]
    public async Task ZeroInactiveRemovalTimeout_KeepsNewMembers_AndGetsADocumentedReading()
    {
        var session = T.NewSession();
        var created = await T.Put(Alice, session, SessionRequest.Create()
            .Constants(c => c
                .System("inactiveRemovalTimeout", 0))
            .Me(Alice, me => me
                .Properties(p => p
                    .System("active", true))));
        if (created.Status != HttpStatusCode.Created && !(created.Status == HttpStatusCode.OK && created.Session is not null))
        {
            Assert.Inconclusive($"the open template refuses inactiveRemovalTimeout 0 ({(int)created.Status}); it may fix another");
        }
        await T.Put(Bob, session, Join(Bob)); // never active
        await T.Put(Carol, session, Join(Carol, me => me
            .Properties(p => p
                .System("active", true))));
        await T.Put(Carol, session, Join(Carol, me => me
            .Properties(p => p
                .System("active", false)))); // active, then inactive
        var read = await T.Get(Alice, session);
        Expect.Field(read, "/members", Roster.Includes(Bob.Xuid),
            "an inactiveRemovalTimeout of 0 (the contract-107 default) does not remove a member for having been inactive since it joined: every member starts inactive");
        // Whether 0 removes a member that stops being active is open: kept (0 is off) or removed at once.
        Readings.Record("TIMER-INACTIVE-REMOVAL", MemberOf(read.Session!, Carol.Xuid) is null ? "after-activity" : "off");
    }
}
