using System.Net;

namespace MpsdConformance.SelfTests.Reference;

/// <summary>Members: joining, leaving, indexes, reservations, writes by index and the member limit.</summary>
[Parallelizable(ParallelScope.All)]
public class ReferenceMemberTests : ReferenceTestBase
{
    [Test, Requirement("MEMBER-JOIN-ME", "MEMBER-INDEX-ASSIGN", "RESP-LINKED-LIST")]
    public async Task Joins_AreAppendedAtMembersInfoNext_AsALinkedList()
    {
        var name = Name();
        await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        await _c.Put(_c.Url(name), _c.Bob, ReferenceClient.Join(_c.Bob));
        var reply = await _c.Put(_c.Url(name), _c.Carol, ReferenceClient.Join(_c.Carol));
        var members = reply.Session["members"]!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)members["1"]!["constants"]!["system"]!["xuid"], Is.EqualTo(_c.Bob.Xuid));
            Assert.That((int?)members["0"]!["next"], Is.EqualTo(1));
            Assert.That((int?)members["2"]!["next"], Is.EqualTo(3));
            Assert.That(reply.Session["membersInfo"]!.ToJsonString(), Is.EqualTo("""{"first":0,"next":3,"count":3,"accepted":3}"""));
        });
    }

    [Test, Requirement("MEMBER-LEAVE-NULL", "MEMBER-INDEX-ASSIGN")]
    public async Task Leave_ByNullOrDelete_RemovesTheCaller_AndIndexesAreNeverReused()
    {
        var name = Name();
        await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        await _c.Put(_c.Url(name), _c.Bob, ReferenceClient.Join(_c.Bob));
        await _c.Put(_c.Url(name), _c.Carol, ReferenceClient.Join(_c.Carol));
        var left = await _c.Put(_c.Url(name), _c.Bob, """{"members":{"me":null}}""");
        var deleted = await _c.Delete(_c.Url(name, suffix: "/members/me"), _c.Carol);
        var rejoined = await _c.Put(_c.Url(name), _c.Bob, ReferenceClient.Join(_c.Bob));
        Assert.Multiple(() =>
        {
            Assert.That(left.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(left.Session["members"]!.AsObject().Select(m => m.Key), Is.EqualTo(new[] { "0", "2" }));
            Assert.That(deleted.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(deleted.Session["members"]!.AsObject().Select(m => m.Key), Is.EqualTo(new[] { "0" }));
            Assert.That(rejoined.Session["members"]!.AsObject().Select(m => m.Key), Is.EqualTo(new[] { "0", "3" }));
        });
    }

    [TestCase(true), TestCase(false)]
    [Requirement("MEMBER-LAST-LEAVE-204", "TIMER-SESSION-EMPTY")]
    public async Task LastMemberLeaving_Returns204_AndTheSessionIsGone(bool byDelete)
    {
        var name = Name();
        await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var reply = byDelete
            ? await _c.Delete(_c.Url(name, suffix: "/members/me"), _c.Alice)
            : await _c.Put(_c.Url(name), _c.Alice, """{"members":{"me":null}}""");
        var get = await _c.Get(_c.Url(name), _c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(get.Status, Is.EqualTo(HttpStatusCode.NoContent));
        });
    }

    [Test, Requirement("DELETE-MISSING-ELEMENT")]
    public async Task DeleteMe_ByANonMember_Returns404_AndChangesNothing()
    {
        var name = Name();
        var created = await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var reply = await _c.Delete(_c.Url(name, suffix: "/members/me"), _c.Bob);
        var missing = await _c.Delete(_c.Url(Name(), suffix: "/members/me"), _c.Bob);
        var after = await _c.Get(_c.Url(name), _c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(missing.Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(after.ETag, Is.EqualTo(created.ETag));
        });
    }

    [Test, Requirement("RESERVE-ORDER", "RESERVE-CLEARED-ON-JOIN", "RESP-LINKED-LIST")]
    public async Task Reservations_AreAppendedInRequestOrder_AndClearedOnTheMembersFirstPut()
    {
        var name = Name();
        await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var reserved = await _c.Put(_c.Url(name), _c.Alice,
            Reserve(("reserve_1", _c.Carol.Xuid!, false), ("reserve_0", _c.Bob.Xuid!, true)));
        var joined = await _c.Put(_c.Url(name), _c.Bob, ReferenceClient.Join(_c.Bob));
        var members = reserved.Session["members"]!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)members["1"]!["constants"]!["system"]!["xuid"], Is.EqualTo(_c.Carol.Xuid), "request order, not key order");
            Assert.That((bool?)members["2"]!["reserved"], Is.True);
            Assert.That(members["2"]!["gamertag"], Is.Null, "no gamertag before the member accepted");
            Assert.That((int?)reserved.Session["membersInfo"]!["accepted"], Is.EqualTo(1));
            Assert.That(joined.Session["members"]!["2"]!["reserved"], Is.Null);
            Assert.That((bool?)joined.Session["members"]!["2"]!["constants"]!["system"]!["initialize"], Is.True);
            Assert.That((int?)joined.Session["membersInfo"]!["accepted"], Is.EqualTo(2));
        });
    }

    [Test, Requirement("MEMBER-OWN-PROPS-ONLY-403")]
    public async Task UserWritingAnotherMemberByIndex_Returns403_AndChangesNothing()
    {
        var name = Name();
        await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var joined = await _c.Put(_c.Url(name), _c.Bob, ReferenceClient.Join(_c.Bob));
        var write = await _c.Put(_c.Url(name), _c.Bob, """{"members":{"0":{"properties":{"custom":{"pwned":true}}}}}""");
        var remove = await _c.Put(_c.Url(name), _c.Bob, """{"members":{"0":null}}""");
        var after = await _c.Get(_c.Url(name), _c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(write.Status, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(write.Body, Does.Contain("existing member references"));
            Assert.That(remove.Status, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(after.ETag, Is.EqualTo(joined.ETag));
        });
    }

    [Test, Requirement("MEMBER-DELETE-INDEX")]
    public async Task ServerPrincipal_RemovesAMemberByIndex_ByNullOrDelete_UsersCannot()
    {
        var name = Name();
        await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        await _c.Put(_c.Url(name), _c.Bob, ReferenceClient.Join(_c.Bob));
        await _c.Put(_c.Url(name), _c.Carol, ReferenceClient.Join(_c.Carol));
        var byUser = await _c.Delete(_c.Url(name, suffix: "/members/1"), _c.Alice);
        var byNull = await _c.Put(_c.Url(name), _c.ServerPrincipal, """{"members":{"1":null}}""");
        var byDelete = await _c.Delete(_c.Url(name, suffix: "/members/2"), _c.ServerPrincipal);
        var missing = await _c.Delete(_c.Url(name, suffix: "/members/7"), _c.ServerPrincipal);
        Assert.Multiple(() =>
        {
            Assert.That(byUser.Status, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(byNull.Session["members"]!.AsObject().Select(m => m.Key), Is.EqualTo(new[] { "0", "2" }));
            Assert.That(byDelete.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(byDelete.Session["members"]!.AsObject().Select(m => m.Key), Is.EqualTo(new[] { "0" }));
            Assert.That(missing.Status, Is.EqualTo(HttpStatusCode.NotFound));
        });
    }

    [Test, Requirement("SESSION-FULL")]
    public async Task JoinOrReserveBeyondMaxMembersCount_Returns403()
    {
        var name = Name();
        await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var filled = await _c.Put(_c.Url(name), _c.Alice,
            Reserve(Enumerable.Range(0, 7).Select(i => ($"reserve_{i}", (900 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), false)).ToArray()));
        var join = await _c.Put(_c.Url(name), _c.Bob, ReferenceClient.Join(_c.Bob));
        Assert.Multiple(() =>
        {
            Assert.That((int?)filled.Session["membersInfo"]!["count"], Is.EqualTo(8));
            Assert.That(join.Status, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(join.Body, Does.Contain("full"));
        });
    }
}
