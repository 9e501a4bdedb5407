using System.Net;
using System.Text.Json.Nodes;

namespace MpsdConformance.SelfTests.Reference;

/// <summary>Visibility and session properties tied to it: private sessions, keywords, and the host device token.</summary>
[Parallelizable(ParallelScope.All)]
public class ReferenceVisibilityTests : ReferenceTestBase
{
    [Test, Requirement("VIS-PRIVATE-READ-403", "VIS-PRIVATE-JOIN-403")]
    public async Task PrivateSession_NonMembersCannotReadOrJoin_ReservedUsersCan()
    {
        var name = Name();
        var created = await _c.Put(_c.Url(name, "closed-club"), _c.Alice, ReferenceClient.Join(_c.Alice));
        var read = await _c.Get(_c.Url(name, "closed-club"), _c.Bob);
        var join = await _c.Put(_c.Url(name, "closed-club"), _c.Bob, ReferenceClient.Join(_c.Bob));
        await _c.Put(_c.Url(name, "closed-club"), _c.Alice, Reserve(("reserve_0", _c.Carol.Xuid!, false)));
        var reservedRead = await _c.Get(_c.Url(name, "closed-club"), _c.Carol);
        var reservedJoin = await _c.Put(_c.Url(name, "closed-club"), _c.Carol, ReferenceClient.Join(_c.Carol));
        var serverRead = await _c.Get(_c.Url(name, "closed-club"), _c.ServerPrincipal);
        Assert.Multiple(() =>
        {
            Assert.That(created.Status, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(read.Status, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(read.Body, Does.Contain("private sessions can only be read by members"));
            Assert.That(join.Status, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(reservedRead.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(reservedJoin.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(serverRead.Status, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test, Requirement("PROPS-KEYWORDS-PRIVATE")]
    public async Task KeywordsOnAPrivateSession_Return400()
    {
        var name = Name();
        await _c.Put(_c.Url(name, "closed-club"), _c.Alice, ReferenceClient.Join(_c.Alice));
        var reply = await _c.Put(_c.Url(name, "closed-club"), _c.Alice, """{"properties":{"system":{"keywords":["x"]}}}""");
        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test, Requirement("PROPS-HOST-MUST-MATCH")]
    public async Task HostThatIsNoMembersDeviceToken_IsSilentlyDropped()
    {
        var name = Name();
        var joined = await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice, ""","properties":{"system":{"secureDeviceAddress":"AQID"}}"""));
        var token = (string)joined.Session["members"]!["0"]!["deviceToken"]!;
        var wrong = await _c.Put(_c.Url(name), _c.Alice, """{"properties":{"system":{"host":"not-a-token"}}}""");
        var right = await _c.Put(_c.Url(name), _c.Alice, new JsonObject { ["properties"] = new JsonObject { ["system"] = new JsonObject { ["host"] = token.ToUpperInvariant() } } }.ToJsonString());
        Assert.Multiple(() =>
        {
            Assert.That(wrong.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(wrong.Session["properties"]!["system"]!["host"], Is.Null);
            Assert.That((string?)right.Session["properties"]!["system"]!["host"], Is.EqualTo(token.ToUpperInvariant()));
        });
    }
}
