using System.Net;

namespace MpsdConformance.SelfTests.Reference;

/// <summary>Concurrency headers: If-Match and If-None-Match on writes and reads.</summary>
[Parallelizable(ParallelScope.All)]
public class ReferencePreconditionTests : ReferenceTestBase
{
    [Test, Requirement("IFMATCH-STALE-412")]
    public async Task IfMatchWithAStaleETag_Returns412_WithTheCurrentSessionAndETag()
    {
        var name = Name();
        var created = await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var changed = await _c.Put(_c.Url(name), _c.Alice, """{"properties":{"custom":{"v":2}}}""");
        var stale = await _c.Put(_c.Url(name), _c.Alice, """{"properties":{"custom":{"v":3}}}""", ("If-Match", created.ETag!));
        Assert.Multiple(() =>
        {
            Assert.That(stale.Status, Is.EqualTo(HttpStatusCode.PreconditionFailed));
            Assert.That(stale.MediaType, Is.EqualTo("application/json"));
            Assert.That(stale.ETag, Is.EqualTo(changed.ETag));
            Assert.That(stale.Body, Is.EqualTo(changed.Body));
        });
    }

    [Test, Requirement("IFMATCH-STALE-412")]
    public async Task IfMatchWithTheCurrentETag_Succeeds()
    {
        var name = Name();
        var created = await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var reply = await _c.Put(_c.Url(name), _c.Alice, """{"properties":{"custom":{"v":2}}}""", ("If-Match", created.ETag!));
        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test, Requirement("IFMATCH-STAR-MISSING-412")]
    public async Task IfMatchStar_OnAMissingSession_Returns412_AndCreatesNothing()
    {
        var name = Name();
        var reply = await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice), ("If-Match", "*"));
        var get = await _c.Get(_c.Url(name), _c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.PreconditionFailed));
            Assert.That(get.Status, Is.EqualTo(HttpStatusCode.NoContent));
        });
    }

    [Test, Requirement("IFNONEMATCH-STAR-CREATE-ONLY")]
    public async Task IfNoneMatchStar_CreatesOnce_ThenReturns412WithTheSession()
    {
        var name = Name();
        var first = await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice), ("If-None-Match", "*"));
        var second = await _c.Put(_c.Url(name), _c.Bob, ReferenceClient.Join(_c.Bob), ("If-None-Match", "*"));
        Assert.Multiple(() =>
        {
            Assert.That(first.Status, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(second.Status, Is.EqualTo(HttpStatusCode.PreconditionFailed));
            Assert.That(second.ETag, Is.EqualTo(first.ETag));
            Assert.That((int?)second.Session["membersInfo"]!["count"], Is.EqualTo(1));
        });
    }

    [Test, Requirement("GET-IFNONEMATCH-304", "GET-200")]
    public async Task GetWithTheCurrentETag_Returns304_ThenAfterAChange200()
    {
        var name = Name();
        var created = await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var unchanged = await _c.Get(_c.Url(name), _c.Alice, ("If-None-Match", created.ETag!));
        await _c.Put(_c.Url(name), _c.Alice, """{"properties":{"custom":{"v":2}}}""");
        var changed = await _c.Get(_c.Url(name), _c.Alice, ("If-None-Match", created.ETag!));
        Assert.Multiple(() =>
        {
            Assert.That(unchanged.Status, Is.EqualTo(HttpStatusCode.NotModified));
            Assert.That(unchanged.Body, Is.Empty);
            Assert.That(changed.Status, Is.EqualTo(HttpStatusCode.OK));
        });
    }
}
