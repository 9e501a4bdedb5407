using System.Net;

namespace MpsdConformance.SelfTests.Reference;

/// <summary>The properties sub-resource: PUT .../properties never creates, and acts as a session PUT.</summary>
[Parallelizable(ParallelScope.All)]
public class ReferencePropertiesResourceTests : ReferenceTestBase
{
    [Test, Requirement("PROPSRES-MISSING-404")]
    public async Task PutProperties_SessionMissing_Returns404_AndCreatesNothing()
    {
        var name = Name();
        var reply = await _c.Put(_c.Url(name, suffix: "/properties"), _c.Alice, """{"custom":{"a":1}}""");
        var get = await _c.Get(_c.Url(name), _c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(reply.MediaType, Is.EqualTo("text/plain"));
            Assert.That(get.Status, Is.EqualTo(HttpStatusCode.NoContent));
        });
    }

    [Test, Requirement("PROPSRES-SAME-AS-PUT", "PROPSRES-STATUS")]
    public async Task PutProperties_HasTheSameEffectAsASessionPut()
    {
        var viaSession = Name();
        var viaProperties = Name();
        foreach (var name in new[] { viaSession, viaProperties })
        {
            await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        }
        var body = """{"system":{"keywords":["k"]},"custom":{"a":{"b":1}}}""";
        var a = await _c.Put(_c.Url(viaSession), _c.Alice, "{\"properties\":" + body + "}");
        var b = await _c.Put(_c.Url(viaProperties, suffix: "/properties"), _c.Alice, body);
        Assert.Multiple(() =>
        {
            Assert.That(b.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(b.Session["properties"]!.ToJsonString(), Is.EqualTo(a.Session["properties"]!.ToJsonString()));
        });
    }

    [Test, Requirement("PROPSRES-SAME-AS-PUT")]
    public async Task PutProperties_HonoursIfMatch()
    {
        var name = Name();
        var created = await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        await _c.Put(_c.Url(name), _c.Alice, """{"properties":{"custom":{"v":1}}}""");
        var stale = await _c.Put(_c.Url(name, suffix: "/properties"), _c.Alice, """{"custom":{"v":2}}""", ("If-Match", created.ETag!));
        Assert.That(stale.Status, Is.EqualTo(HttpStatusCode.PreconditionFailed));
    }

    [Test, Requirement("PROPSRES-SAME-AS-PUT")]
    public async Task PutProperties_RejectsASessionBody()
    {
        var name = Name();
        await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var reply = await _c.Put(_c.Url(name, suffix: "/properties"), _c.Alice, """{"properties":{"custom":{"a":1}}}""");
        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.BadRequest));
    }
}
