using System.Net;

namespace MpsdConformance.SelfTests.Reference;

/// <summary>Server entries: written only by the server principal, removed by null or DELETE.</summary>
[Parallelizable(ParallelScope.All)]
public class ReferenceServerEntryTests : ReferenceTestBase
{
    [Test, Requirement("SERVERS-PRINCIPAL-ONLY", "SERVERS-NULL-REMOVES")]
    public async Task Servers_AreWrittenOnlyByTheServerPrincipal_NullOrDeleteRemoves()
    {
        var name = Name();
        await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var byUser = await _c.Put(_c.Url(name), _c.Alice, """{"servers":{"arbiter":{"properties":{"custom":{"a":1}}}}}""");
        var added = await _c.Put(_c.Url(name), _c.ServerPrincipal, """{"servers":{"arbiter":{"properties":{"custom":{"a":1}}},"relay":{}}}""");
        var nulled = await _c.Put(_c.Url(name), _c.ServerPrincipal, """{"servers":{"arbiter":null}}""");
        var deleted = await _c.Delete(_c.Url(name, suffix: "/servers/relay"), _c.ServerPrincipal);
        var deleteByUser = await _c.Delete(_c.Url(name, suffix: "/servers/relay"), _c.Alice);
        var missing = await _c.Delete(_c.Url(name, suffix: "/servers/relay"), _c.ServerPrincipal);
        Assert.Multiple(() =>
        {
            Assert.That(byUser.Status, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That((int?)added.Session["servers"]!["arbiter"]!["properties"]!["custom"]!["a"], Is.EqualTo(1));
            Assert.That(nulled.Session["servers"]!.AsObject().Select(s => s.Key), Is.EqualTo(new[] { "relay" }));
            Assert.That(deleted.Session["servers"]!.AsObject(), Is.Empty);
            Assert.That(deleteByUser.Status, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(missing.Status, Is.EqualTo(HttpStatusCode.NotFound));
        });
    }
}
