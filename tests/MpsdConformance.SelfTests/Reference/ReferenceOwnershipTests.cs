using System.Net;
using System.Text.Json.Nodes;
using MpsdConformance.Reference;

namespace MpsdConformance.SelfTests.Reference;

/// <summary>
/// Owners of hasOwners sessions (the built-in template <c>owners</c>): the first owner, the owners list, the policies'
/// prerequisite, and migration when the last owner leaves by every route (members.me null, DELETE members/me,
/// removal by index, a timer), under each reading of what the ending leave answers. Timers on a fake clock.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class ReferenceOwnershipTests : ReferenceTestBase
{
    private const string Leave = """{"members":{"me":null}}""";
    private const string Oldest = """{"constants":{"system":{"ownershipPolicies":{"migration":"oldest"}}},"members":{"me":{}}}""";

    [Test, Requirement("OWNERS-LIST")]
    public async Task Creator_IsTheFirstOwner_JoinersAreNot_AndOwnersCannotBeWritten()
    {
        var name = Name();
        var created = await _c.Put(_c.Url(name, "owners"), _c.Alice, ReferenceClient.Join(_c.Alice));
        var joined = await _c.Put(_c.Url(name, "owners"), _c.Bob, ReferenceClient.Join(_c.Bob));
        var write = await _c.Put(_c.Url(name, "owners"), _c.Bob, """{"properties":{"system":{"owners":[1]}}}""");
        var read = await _c.Get(_c.Url(name, "owners"), _c.Bob);
        var plain = await _c.Put(_c.Url(Name()), _c.Alice, ReferenceClient.Join(_c.Alice));
        Assert.Multiple(() =>
        {
            Assert.That(created.Status, Is.EqualTo(HttpStatusCode.Created), created.ToString());
            Assert.That(Owners(created), Is.EqualTo(new[] { 0 }));
            Assert.That(Owners(joined), Is.EqualTo(new[] { 0 }));
            Assert.That(write.Status, Is.EqualTo(HttpStatusCode.BadRequest), "owners is no field a request may write (PROPS-SYSTEM-SCHEMA's 400)");
            Assert.That(write.Body, Does.Contain("/properties/system/owners"));
            Assert.That(Owners(read), Is.EqualTo(new[] { 0 }));
            Assert.That(plain.Session["properties"]!["system"]!.AsObject().ContainsKey("owners"), Is.False, "a session without hasOwners shows no owners");
        });
    }

    [Test, Requirement("OWNERS-LIST")]
    public async Task ASessionCreatedByTheServerPrincipal_OrByReservationAlone_HasNoOwner()
    {
        var byServer = Name();
        var reserved = await _c.Put(_c.Url(byServer, "owners"), _c.ServerPrincipal, Reserve(("reserve_0", _c.Bob.Xuid!, false)));
        var accepted = await _c.Put(_c.Url(byServer, "owners"), _c.Bob, ReferenceClient.Join(_c.Bob));
        var left = await _c.Put(_c.Url(byServer, "owners"), _c.Bob, Leave);
        Assert.Multiple(() =>
        {
            Assert.That(Owners(reserved), Is.Empty);
            Assert.That(Owners(accepted), Is.Empty, "accepting a reservation makes nobody an owner");
            Assert.That(left.Status, Is.EqualTo(HttpStatusCode.NoContent), "the last member leaving: sessionEmptyTimeout 0, no ownership involved");
        });
    }

    [Test, Requirement("CONST-CAPABILITIES-FLAGS")]
    public async Task OwnershipPolicies_NeedHasOwners_FromTheCreatorOrTheTemplate()
    {
        var name = Name();
        var refused = await _c.Put(_c.Url(name), _c.Alice, """{"constants":{"system":{"ownershipPolicies":{"migration":"oldest"}}},"members":{"me":{}}}""");
        var gone = await _c.Get(_c.Url(name), _c.Alice);
        var withCapability = await _c.Put(_c.Url(Name()), _c.Alice,
            """{"constants":{"system":{"capabilities":{"hasOwners":true},"ownershipPolicies":{"migration":"endsession"}}},"members":{"me":{}}}""");
        var fromTemplate = await _c.Put(_c.Url(Name(), "owners"), _c.Alice, Oldest);
        Assert.Multiple(() =>
        {
            Assert.That(refused.Status, Is.EqualTo(HttpStatusCode.BadRequest), refused.ToString());
            Assert.That(refused.Body, Does.StartWith("/constants/system/ownershipPolicies: "));
            Assert.That(gone.Status, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(withCapability.Status, Is.EqualTo(HttpStatusCode.Created), withCapability.ToString());
            Assert.That(fromTemplate.Status, Is.EqualTo(HttpStatusCode.Created), fromTemplate.ToString());
        });
    }

    [TestCase("me-null")]
    [TestCase("delete-me")]
    [TestCase("server-by-index")]
    [Requirement("OWNERS-MIGRATION")]
    public async Task LastOwnerLeaving_EndsTheSessionForEveryone_UnderTheDefaultPolicy(string route)
    {
        var name = Name();
        var url = _c.Url(name, "owners");
        await _c.Put(url, _c.Alice, ReferenceClient.Join(_c.Alice));
        await _c.Put(url, _c.Bob, ReferenceClient.Join(_c.Bob));
        var left = route switch
        {
            "me-null" => await _c.Put(url, _c.Alice, Leave),
            "delete-me" => await _c.Delete(_c.Url(name, "owners", "/members/me"), _c.Alice),
            _ => await _c.Delete(_c.Url(name, "owners", "/members/0"), _c.ServerPrincipal),
        };
        var read = await _c.Get(url, _c.Bob);
        Assert.Multiple(() =>
        {
            Assert.That(left.Status, Is.EqualTo(HttpStatusCode.NoContent), left.ToString());
            Assert.That(read.Status, Is.EqualTo(HttpStatusCode.NoContent), "the session ended for Bob too");
        });
    }

    [Test, Requirement("OWNERS-MIGRATION")]
    public async Task ANonOwnerLeaving_ChangesNoOwnership()
    {
        var url = _c.Url(Name(), "owners");
        await _c.Put(url, _c.Alice, ReferenceClient.Join(_c.Alice));
        await _c.Put(url, _c.Bob, ReferenceClient.Join(_c.Bob));
        var left = await _c.Put(url, _c.Bob, Leave);
        Assert.Multiple(() =>
        {
            Assert.That(left.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(Owners(left), Is.EqualTo(new[] { 0 }));
        });
    }

    [Test, Requirement("OWNERS-MIGRATION")]
    public async Task UnderThe200ThenEndedReading_TheEndingLeaveAnswers200_AndTheSessionIsGoneAfter()
    {
        await using var c = await ReferenceClient.StartAsync(new ReferenceOptions
        {
            SchemasDirectory = Repo.Schemas,
            Readings = new Dictionary<string, string> { ["OWNERS-MIGRATION"] = "200-then-ended" },
        });
        var url = c.Url(ReferenceClient.NewName(), "owners");
        await c.Put(url, c.Alice, ReferenceClient.Join(c.Alice));
        await c.Put(url, c.Bob, ReferenceClient.Join(c.Bob));
        var left = await c.Put(url, c.Alice, Leave);
        var read = await c.Get(url, c.Bob);
        var alone = c.Url(ReferenceClient.NewName(), "owners");
        await c.Put(alone, c.Alice, ReferenceClient.Join(c.Alice));
        var lastLeft = await c.Put(alone, c.Alice, Leave);
        Assert.Multiple(() =>
        {
            Assert.That(left.Status, Is.EqualTo(HttpStatusCode.OK), left.ToString());
            Assert.That((int?)left.Session["membersInfo"]!["count"], Is.EqualTo(1));
            Assert.That(Owners(left), Is.Empty);
            Assert.That(read.Status, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(lastLeft.Status, Is.EqualTo(HttpStatusCode.NoContent), "a leave that removes everyone answers 204 under either reading");
        });
    }

    [Test, Requirement("OWNERS-MIGRATION", "TIMER-INACTIVE-REMOVAL")]
    public async Task LastOwnerRemovedByTheInactiveTimer_EndsTheSession()
    {
        var clock = new ManualClock();
        await using var c = await ReferenceClient.StartAsync(new ReferenceOptions { Time = clock, SchemasDirectory = Repo.Schemas });
        var url = c.Url(ReferenceClient.NewName(), "owners");
        await c.Put(url, c.Alice, """{"constants":{"system":{"inactiveRemovalTimeout":5000}},"members":{"me":{}}}""");
        await c.Put(url, c.Bob, ReferenceClient.Join(c.Bob, ""","properties":{"system":{"active":true}}"""));
        clock.Advance(TimeSpan.FromMilliseconds(4999));
        var before = await c.Get(url, c.Bob);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var after = await c.Get(url, c.Bob);
        Assert.Multiple(() =>
        {
            Assert.That((string?)before.Session["nextTimer"], Is.EqualTo("2026-11-23T10:00:05.0000000Z"));
            Assert.That(after.Status, Is.EqualTo(HttpStatusCode.NoContent), "the owner's removal ended the session under endsession");
        });
    }

    [Test, Requirement("OWNERS-MIGRATION-OLDEST")]
    public async Task UnderOldest_OwnershipPassesToTheLongestStandingAcceptedMember_EachTimeTheOwnerLeaves()
    {
        var clock = new ManualClock();
        await using var c = await ReferenceClient.StartAsync(new ReferenceOptions { Time = clock, SchemasDirectory = Repo.Schemas });
        var name = ReferenceClient.NewName();
        var url = c.Url(name, "owners");
        await c.Put(url, c.Alice, Oldest);
        await c.Put(url, c.Alice, Reserve(("reserve_0", "2814659900000001", false))); // index 1: reserved, never the heir
        clock.Advance(TimeSpan.FromSeconds(1));
        await c.Put(url, c.Bob, ReferenceClient.Join(c.Bob)); // index 2
        clock.Advance(TimeSpan.FromSeconds(1));
        await c.Put(url, c.Carol, ReferenceClient.Join(c.Carol)); // index 3
        var aliceLeft = await c.Delete(c.Url(name, "owners", "/members/me"), c.Alice);
        var bobLeft = await c.Put(url, c.Bob, Leave);
        var carolLeft = await c.Put(url, c.Carol, Leave);
        Assert.Multiple(() =>
        {
            Assert.That(aliceLeft.Status, Is.EqualTo(HttpStatusCode.OK), aliceLeft.ToString());
            Assert.That(Owners(aliceLeft), Is.EqualTo(new[] { 2 }));
            Assert.That(Owners(bobLeft), Is.EqualTo(new[] { 3 }));
            Assert.That(carolLeft.Status, Is.EqualTo(HttpStatusCode.OK), "only the reservation is left: the session goes on");
            Assert.That(Owners(carolLeft), Is.Empty, "a reservation does not inherit ownership");
        });
    }

    [Test, Requirement("OWNERS-MIGRATION-OLDEST")]
    public async Task UnderOldest_AnAcceptedReservationStandsFromItsAcceptance()
    {
        var clock = new ManualClock();
        await using var c = await ReferenceClient.StartAsync(new ReferenceOptions { Time = clock, SchemasDirectory = Repo.Schemas });
        var url = c.Url(ReferenceClient.NewName(), "owners");
        await c.Put(url, c.Alice, Oldest);
        await c.Put(url, c.Alice, Reserve(("reserve_0", c.Carol.Xuid!, false))); // index 1, reserved first
        clock.Advance(TimeSpan.FromSeconds(1));
        await c.Put(url, c.Bob, ReferenceClient.Join(c.Bob)); // index 2
        clock.Advance(TimeSpan.FromSeconds(1));
        await c.Put(url, c.Carol, ReferenceClient.Join(c.Carol)); // accepts index 1, later than Bob joined
        var left = await c.Put(url, c.Alice, Leave);
        Assert.That(Owners(left), Is.EqualTo(new[] { 2 }));
    }

    [Test, Requirement("MEMBER-DELETE-INDEX", "OWNERS-MIGRATION-OLDEST")]
    public async Task UnderOwnersToo_TheCurrentOwnersRemoveMembers_OthersGet403()
    {
        await using var c = await ReferenceClient.StartAsync(new ReferenceOptions
        {
            SchemasDirectory = Repo.Schemas,
            Readings = new Dictionary<string, string> { ["MEMBER-DELETE-INDEX"] = "owners-too" },
        });
        var name = ReferenceClient.NewName();
        var url = c.Url(name, "owners");
        await c.Put(url, c.Alice, Oldest);
        await c.Put(url, c.Bob, ReferenceClient.Join(c.Bob));
        await c.Put(url, c.Carol, ReferenceClient.Join(c.Carol));
        var byBobBefore = await c.Delete(c.Url(name, "owners", "/members/2"), c.Bob);
        await c.Put(url, c.Alice, Leave);
        var byCarol = await c.Delete(c.Url(name, "owners", "/members/1"), c.Carol);
        var byBob = await c.Delete(c.Url(name, "owners", "/members/2"), c.Bob);
        Assert.Multiple(() =>
        {
            Assert.That(byBobBefore.Status, Is.EqualTo(HttpStatusCode.Forbidden), "Bob is no owner while Alice is");
            Assert.That(byCarol.Status, Is.EqualTo(HttpStatusCode.Forbidden), "Carol is no owner");
            Assert.That(byBob.Status, Is.EqualTo(HttpStatusCode.OK), "Bob owns the session since Alice left");
            Assert.That(byBob.Session["members"]!.AsObject().Select(m => m.Key), Is.EqualTo(new[] { "1" }));
        });
    }

    private static int[] Owners(Reply reply) =>
        reply.Session["properties"]?["system"]?["owners"] is JsonArray owners ? owners.Select(o => (int)o!).ToArray() : throw new AssertionException($"no owners shown: {reply}");
}
