using System.Net;

namespace MpsdConformance.SelfTests.Reference;

/// <summary>Constants: fixed by the template at creation, fixed once the session exists.</summary>
[Parallelizable(ParallelScope.All)]
public class ReferenceConstantsTests : ReferenceTestBase
{
    [Test, Requirement("CONST-FIXED-409", "PUT-CREATE-TEMPLATE-MERGE")]
    public async Task CreateThatClashesWithTemplateConstants_Returns409_AndCreatesNothing()
    {
        var name = Name();
        var reply = await _c.Put(_c.Url(name), _c.Alice, "{\"constants\":{\"system\":{\"maxMembersCount\":4}}," + ReferenceClient.Join(_c.Alice)[1..]);
        var get = await _c.Get(_c.Url(name), _c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.Conflict), reply.ToString());
            Assert.That(reply.MediaType, Is.EqualTo("text/plain"));
            Assert.That(get.Status, Is.EqualTo(HttpStatusCode.NoContent));
        });
    }

    [Test, Requirement("CONST-FIXED-409")]
    public async Task ConstantsAfterCreation_IdenticalAccepted_DifferentOrNewRejectedWith409()
    {
        var name = Name();
        var created = await _c.Put(_c.Url(name), _c.Alice, "{\"constants\":{\"custom\":{\"mode\":\"ctf\"}}," + ReferenceClient.Join(_c.Alice)[1..]);
        var same = await _c.Put(_c.Url(name), _c.Alice, """{"constants":{"custom":{"mode":"ctf"},"system":{"visibility":"open"}}}""");
        var different = await _c.Put(_c.Url(name), _c.Alice, """{"constants":{"custom":{"mode":"dm"}}}""");
        var added = await _c.Put(_c.Url(name), _c.Alice, """{"constants":{"custom":{"extra":1}}}""");
        var after = await _c.Get(_c.Url(name), _c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(created.Status, Is.EqualTo(HttpStatusCode.Created), created.ToString());
            Assert.That(same.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(different.Status, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(added.Status, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(after.ETag, Is.EqualTo(created.ETag));
        });
    }
}
