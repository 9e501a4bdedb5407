using System.Net;
using MpsdConformance.Reference;

namespace MpsdConformance.SelfTests.Reference;

/// <summary>
/// The member timers on a fake clock: inactive members (neither active, ready nor reserved) removed after
/// inactiveRemovalTimeout (the built-in template <c>short-timers</c>: 1 s), what a timeout of 0 does under each
/// reading, and the ready timer handing a member over to the inactive one.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class ReferenceMemberTimerTests
{
    private const string Active = ""","properties":{"system":{"active":true}}""";
    private const string Inactive = ""","properties":{"system":{"active":false}}""";

    [Test, Requirement("TIMER-INACTIVE-REMOVAL")]
    public async Task InactiveMember_IsRemovedOnTheFirstRequestAfterItsTimeout_ActiveOnesStay()
    {
        var clock = new ManualClock();
        await using var c = await Start(clock);
        var url = c.Url(ReferenceClient.NewName(), "short-timers");
        await c.Put(url, c.Alice, ReferenceClient.Join(c.Alice, Active));
        var joined = await c.Put(url, c.Bob, ReferenceClient.Join(c.Bob));
        clock.Advance(TimeSpan.FromMilliseconds(999));
        var before = await c.Get(url, c.Alice);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var after = await c.Get(url, c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That((string?)joined.Session["nextTimer"], Is.EqualTo("2026-11-23T10:00:01.0000000Z"));
            Assert.That((int?)before.Session["membersInfo"]!["count"], Is.EqualTo(2));
            Assert.That(after.Session["members"]!.AsObject().Select(m => m.Key), Is.EqualTo(new[] { "0" }), "Alice, active, stays");
            Assert.That(after.Session["nextTimer"], Is.Null);
            Assert.That((long?)after.Session["changeNumber"], Is.EqualTo((long?)before.Session["changeNumber"] + 1));
        });
    }

    [Test, Requirement("TIMER-INACTIVE-REMOVAL")]
    public async Task TheInactiveClock_StopsWhileActive_AndRestartsWhenTheMemberStopsBeingActive()
    {
        var clock = new ManualClock();
        await using var c = await Start(clock);
        var url = c.Url(ReferenceClient.NewName(), "short-timers");
        await c.Put(url, c.Alice, ReferenceClient.Join(c.Alice, Active));
        await c.Put(url, c.Bob, ReferenceClient.Join(c.Bob));
        clock.Advance(TimeSpan.FromMilliseconds(500));
        await c.Put(url, c.Bob, ReferenceClient.Join(c.Bob, Active));
        clock.Advance(TimeSpan.FromSeconds(10));
        var stillActive = await c.Get(url, c.Alice);
        var wentInactive = await c.Put(url, c.Bob, ReferenceClient.Join(c.Bob, Inactive));
        clock.Advance(TimeSpan.FromMilliseconds(999));
        var before = await c.Get(url, c.Alice);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var after = await c.Get(url, c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That((int?)stillActive.Session["membersInfo"]!["count"], Is.EqualTo(2), "an active member is never removed as inactive");
            Assert.That((string?)wentInactive.Session["nextTimer"], Is.EqualTo("2026-11-23T10:00:11.5000000Z"));
            Assert.That((int?)before.Session["membersInfo"]!["count"], Is.EqualTo(2));
            Assert.That((int?)after.Session["membersInfo"]!["count"], Is.EqualTo(1));
        });
    }

    [Test, Requirement("TIMER-INACTIVE-REMOVAL", "TIMER-RESERVED-REMOVAL")]
    public async Task AReservation_IsNotInactive_UntilItIsAccepted()
    {
        var clock = new ManualClock();
        await using var c = await Start(clock);
        var url = c.Url(ReferenceClient.NewName(), "short-timers");
        await c.Put(url, c.Alice, ReferenceClient.Join(c.Alice, Active));
        await c.Put(url, c.Alice, """{"members":{"reserve_0":{"constants":{"system":{"xuid":"2814650000000002"}}}}}""");
        clock.Advance(TimeSpan.FromSeconds(5));
        var reserved = await c.Get(url, c.Alice);
        var accepted = await c.Put(url, c.Bob, ReferenceClient.Join(c.Bob));
        clock.Advance(TimeSpan.FromSeconds(1));
        var after = await c.Get(url, c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That((int?)reserved.Session["membersInfo"]!["count"], Is.EqualTo(2), "reserved is a status of its own: its timer is reservedRemovalTimeout (30 s)");
            Assert.That((string?)accepted.Session["nextTimer"], Is.EqualTo("2026-11-23T10:00:06.0000000Z"), "inactive from its acceptance");
            Assert.That((int?)after.Session["membersInfo"]!["count"], Is.EqualTo(1));
        });
    }

    [TestCase("off", 3)]
    [TestCase("after-activity", 2)]
    [Requirement("TIMER-INACTIVE-REMOVAL")]
    public async Task ZeroInactiveRemovalTimeout_KeepsMembersInactiveSinceJoining_UnderEitherReading(string reading, int membersLeft)
    {
        var clock = new ManualClock();
        await using var c = await Start(clock, ("TIMER-INACTIVE-REMOVAL", reading));
        var url = c.Url(ReferenceClient.NewName());
        var created = await c.Put(url, c.Alice, ReferenceClient.Join(c.Alice, Active));
        await c.Put(url, c.Bob, ReferenceClient.Join(c.Bob));
        await c.Put(url, c.Carol, ReferenceClient.Join(c.Carol, Active));
        var carolInactive = await c.Put(url, c.Carol, ReferenceClient.Join(c.Carol, Inactive));
        clock.Advance(TimeSpan.FromDays(1));
        var after = await c.Get(url, c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That((long?)created.Session["constants"]!["system"]!["inactiveRemovalTimeout"], Is.Zero, "the quick template leaves it to its default, 0");
            Assert.That(carolInactive.Session["nextTimer"], reading == "off" ? Is.Null : Is.Not.Null);
            Assert.That((int?)after.Session["membersInfo"]!["count"], Is.EqualTo(membersLeft));
            Assert.That(after.Session["members"]!["1"], Is.Not.Null, "Bob, inactive since he joined, stays");
        });
    }

    [TestCase("removed", 1)]
    [TestCase("reverts-inactive", 2)]
    [Requirement("TIMER-MEMBER-REMOVAL", "TIMER-INACTIVE-REMOVAL")]
    public async Task ReadyTimer_HandsAMemberToTheInactiveTimer_UnderRevertsInactive(string reading, int membersAfterReady)
    {
        var clock = new ManualClock();
        await using var c = await Start(clock, ("TIMER-MEMBER-REMOVAL", reading));
        var url = c.Url(ReferenceClient.NewName(), "short-timers");
        await c.Put(url, c.Alice, ReferenceClient.Join(c.Alice, Active));
        await c.Put(url, c.Bob, ReferenceClient.Join(c.Bob, ""","properties":{"system":{"ready":true}}"""));
        clock.Advance(TimeSpan.FromSeconds(1));
        var readyRanOut = await c.Get(url, c.Alice);
        clock.Advance(TimeSpan.FromMilliseconds(999));
        var before = await c.Get(url, c.Alice);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var after = await c.Get(url, c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That((int?)readyRanOut.Session["membersInfo"]!["count"], Is.EqualTo(membersAfterReady));
            Assert.That((int?)before.Session["membersInfo"]!["count"], Is.EqualTo(membersAfterReady));
            Assert.That((int?)after.Session["membersInfo"]!["count"], Is.EqualTo(1), "back to inactive, the member goes after inactiveRemovalTimeout");
        });
    }

    [Test, Requirement("TIMER-INACTIVE-REMOVAL", "CONST-CONTRACT-104-NAMES")]
    public async Task TheContract104TimeoutName_IsHonouredToo()
    {
        var clock = new ManualClock();
        await using var c = await Start(clock);
        var url = c.Url(ReferenceClient.NewName());
        await c.Put(url, c.Alice, """{"constants":{"system":{"timeouts":{"inactive":2000}}},"members":{"me":{"properties":{"system":{"active":true}}}}}""");
        await c.Put(url, c.Bob, ReferenceClient.Join(c.Bob));
        clock.Advance(TimeSpan.FromSeconds(2));
        var after = await c.Get(url, c.Alice);
        Assert.That((int?)after.Session["membersInfo"]!["count"], Is.EqualTo(1));
    }

    private static Task<ReferenceClient> Start(ManualClock clock, params (string Requirement, string Reading)[] readings) =>
        ReferenceClient.StartAsync(new ReferenceOptions
        {
            Time = clock,
            SchemasDirectory = Repo.Schemas,
            Readings = readings.ToDictionary(r => r.Requirement, r => r.Reading),
        });
}
