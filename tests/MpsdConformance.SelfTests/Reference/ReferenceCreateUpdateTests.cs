using System.Net;

namespace MpsdConformance.SelfTests.Reference;

/// <summary>Creating and updating a session: status codes, ETags and change numbers, idempotent PUTs and nocommit.</summary>
[Parallelizable(ParallelScope.All)]
public class ReferenceCreateUpdateTests : ReferenceTestBase
{
    [Test, Requirement("PUT-CREATE-201", "PUT-CREATE-TEMPLATE-MERGE", "GET-200", "ETAG-PRESENT", "MEMBER-JOIN-ME", "MEMBER-INDEX-ASSIGN", "RESP-TIMESTAMP-FORMAT")]
    public async Task Create_Returns201_WithTheTemplateConstantsMergedAndTheCallerJoined()
    {
        var reply = await _c.Put(_c.Url(Name()), _c.Alice, ReferenceClient.Join(_c.Alice, ""","properties":{"custom":{"skill":7}}"""));
        var session = reply.Session;
        var me = session["members"]!["0"]!;
        Assert.Multiple(() =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(reply.ContentHeaders!.ContentType!.ToString(), Is.EqualTo("application/json; charset=utf-8"));
            Assert.That(reply.ETag, Is.Not.Null);
            Assert.That((string?)session["constants"]!["system"]!["visibility"], Is.EqualTo("open"));
            Assert.That((int?)session["constants"]!["system"]!["maxMembersCount"], Is.EqualTo(8));
            Assert.That((int?)session["contractVersion"], Is.EqualTo(107));
            Assert.That((long?)session["changeNumber"], Is.EqualTo(1));
            Assert.That((string?)me["constants"]!["system"]!["xuid"], Is.EqualTo(_c.Alice.Xuid));
            Assert.That((int?)me["properties"]!["custom"]!["skill"], Is.EqualTo(7));
            Assert.That((string?)me["gamertag"], Is.EqualTo("Alice"));
            Assert.That((string?)me["joinTime"], Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$"));
            Assert.That(session["membersInfo"]!.ToJsonString(), Is.EqualTo("""{"first":0,"next":1,"count":1,"accepted":1}"""));
        });
    }

    [Test, Requirement("PUT-CREATE-EMPTY-204", "BODY-FIELDS-OPTIONAL", "GET-MISSING")]
    public async Task CreateWithNoMembers_Returns204_AndStoresNothing()
    {
        var name = Name();
        var reply = await _c.Put(_c.Url(name), _c.Alice, "{}");
        var get = await _c.Get(_c.Url(name), _c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(reply.Body, Is.Empty);
            Assert.That(get.Status, Is.EqualTo(HttpStatusCode.NoContent));
        });
    }

    [Test, Requirement("PUT-UPDATE-200", "ETAG-CHANGES", "CHANGENUMBER-INCREMENT")]
    public async Task Update_Returns200_WithANewETagAndTheNextChangeNumber()
    {
        var name = Name();
        var created = await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var updated = await _c.Put(_c.Url(name), _c.Alice, """{"properties":{"custom":{"map":"harbor"}}}""");
        Assert.Multiple(() =>
        {
            Assert.That(updated.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(updated.ETag, Is.Not.EqualTo(created.ETag));
            Assert.That((long?)updated.Session["changeNumber"], Is.EqualTo(2));
            Assert.That((string?)updated.Session["properties"]!["custom"]!["map"], Is.EqualTo("harbor"));
        });
    }

    [Test, Requirement("PUT-IDEMPOTENT")]
    public async Task SamePutTwice_ChangesNothingMore()
    {
        var name = Name();
        await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var body = """{"properties":{"custom":{"a":1,"b":{"c":2}}},"members":{"reserve_0":{"constants":{"system":{"xuid":"2814650000000002"}}}}}""";
        var first = await _c.Put(_c.Url(name), _c.Alice, body);
        var second = await _c.Put(_c.Url(name), _c.Alice, body);
        Assert.Multiple(() =>
        {
            Assert.That(second.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(second.Body, Is.EqualTo(first.Body));
            Assert.That(second.ETag, Is.EqualTo(first.ETag));
            Assert.That((int?)second.Session["membersInfo"]!["count"], Is.EqualTo(2));
        });
    }

    [Test, Requirement("NOCOMMIT-NO-STORE")]
    public async Task NoCommit_ReturnsTheMerge_WithoutStoringIt()
    {
        var name = Name();
        var created = await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var preview = await _c.Put(_c.Url(name) + "?nocommit=true", _c.Alice, """{"properties":{"custom":{"x":1}}}""");
        var after = await _c.Get(_c.Url(name), _c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That((int?)preview.Session["properties"]!["custom"]!["x"], Is.EqualTo(1));
            Assert.That(after.Session["properties"]!["custom"]!.AsObject(), Is.Empty);
            Assert.That(after.ETag, Is.EqualTo(created.ETag));
        });
    }
}
