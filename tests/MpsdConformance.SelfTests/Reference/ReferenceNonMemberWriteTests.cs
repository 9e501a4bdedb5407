using System.Net;

namespace MpsdConformance.SelfTests.Reference;

/// <summary>Non-member writes on an open session, and members.me as someone else.</summary>
[Parallelizable(ParallelScope.All)]
public class ReferenceNonMemberWriteTests : ReferenceTestBase
{
    [Test, Requirement("PUT-UPDATE-200")]
    public async Task NonMemberWritingAnOpenSession_IsAccepted_WithoutJoining()
    {
        var name = Name();
        await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var reply = await _c.Put(_c.Url(name), _c.Bob, """{"properties":{"custom":{"note":"hi"}}}""");
        Assert.Multiple(() =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((int?)reply.Session["membersInfo"]!["count"], Is.EqualTo(1));
        });
    }

    [Test, Requirement("MEMBER-JOIN-ME")]
    public async Task MeWithAnotherUsersXuid_Returns403()
    {
        var reply = await _c.Put(_c.Url(Name()), _c.Alice, ReferenceClient.Join(_c.Bob));
        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test, Requirement("MEMBER-JOIN-ME")]
    public async Task MeWrittenByTheServerPrincipal_Returns403()
    {
        var reply = await _c.Put(_c.Url(Name()), _c.ServerPrincipal, """{"members":{"me":{}}}""");
        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.Forbidden));
    }
}
