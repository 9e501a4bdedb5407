using System.Net;

namespace MpsdConformance.SelfTests.Reference;

/// <summary>Headers, identity and routing: the contract version, authorization, path matching, unknown templates, methods and content types.</summary>
[Parallelizable(ParallelScope.All)]
public class ReferenceRoutingTests : ReferenceTestBase
{
    [Test, Requirement("HDR-CONTRACT-VERSION")]
    public async Task Request_WithoutContractVersion_Returns400()
    {
        var reply = await _c.Send(HttpMethod.Get, _c.Url(Name()), _c.Alice, null, ("X-Xbl-Contract-Version", ""));
        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.BadRequest), reply.ToString());
    }

    [TestCase("103"), TestCase("abc"), TestCase("-107")]
    [Requirement("HDR-CONTRACT-VERSION")]
    public async Task Request_WithContractVersionBelow104OrNotANumber_Returns400(string version)
    {
        var reply = await _c.Get(_c.Url(Name()), _c.Alice, ("X-Xbl-Contract-Version", version));
        Assert.Multiple(() =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(reply.MediaType, Is.EqualTo("text/plain"));
        });
    }

    [TestCase("104"), TestCase("105"), TestCase("107")]
    [Requirement("HDR-CONTRACT-VERSION")]
    public async Task Request_WithContractVersion104OrLater_IsServed(string version)
    {
        var reply = await _c.Get(_c.Url(Name()), _c.Alice, ("X-Xbl-Contract-Version", version));
        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.NoContent));
    }

    [Test, Requirement("HDR-AUTH-XBL3")]
    public async Task Request_WithoutAuthorization_Returns401()
    {
        var reply = await _c.Put(_c.Url(Name()), null, "{}");
        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [TestCase("XBL3.0 x=1001;wrong-token")]
    [TestCase("Bearer abc")]
    [TestCase("XBL3.0 x=1001")]
    [Requirement("HDR-AUTH-XBL3")]
    public async Task Request_WithUnknownOrMalformedToken_Returns401(string authorization)
    {
        var reply = await _c.Get(_c.Url(Name()), null, ("Authorization", authorization));
        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test, Requirement("HDR-PATH-CASE-INSENSITIVE")]
    public async Task Path_IsMatchedIgnoringCase_AsTheClientLibrarySendsSessionTemplates()
    {
        var name = Name();
        var url = _c.Url(name).Replace("/sessiontemplates/", "/sessionTemplates/", StringComparison.Ordinal);
        var created = await _c.Put(url, _c.Alice, ReferenceClient.Join(_c.Alice));
        var read = await _c.Get(_c.Url(name.ToUpperInvariant(), "QUICK").Replace("/serviceconfigs/", "/ServiceConfigs/", StringComparison.Ordinal), _c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(created.Status, Is.EqualTo(HttpStatusCode.Created), created.ToString());
            Assert.That(read.Status, Is.EqualTo(HttpStatusCode.OK), read.ToString());
        });
    }

    [TestCase("unknown-template", false), TestCase("quick", true)]
    [Requirement("PUT-UNKNOWN-SCID-404")]
    public async Task UnknownScidOrTemplate_Returns404_WithAMessage(string template, bool badScid)
    {
        var url = _c.Url(Name(), template);
        if (badScid)
        {
            url = url.Replace(_c.Scid, "00000000-0000-0000-0000-000000000000", StringComparison.Ordinal);
        }
        var put = await _c.Put(url, _c.Alice, ReferenceClient.Join(_c.Alice));
        var get = await _c.Get(url, _c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(put.Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(get.Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(get.MediaType, Is.EqualTo("text/plain"));
            Assert.That(get.Body, Does.Contain("not configured for sessions"));
        });
    }

    [TestCase("POST", ""), TestCase("DELETE", ""), TestCase("PATCH", ""), TestCase("GET", "/properties"), TestCase("PUT", "/members/me")]
    [Requirement("ERR-METHOD-405", "CT-ERROR-TEXT")]
    public async Task WrongMethod_Returns405_WithAllow(string method, string suffix)
    {
        var reply = await _c.Send(new HttpMethod(method), _c.Url(Name(), suffix: suffix), _c.Alice, method is "GET" or "DELETE" ? null : "{}");
        Assert.Multiple(() =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
            Assert.That(reply.Headers.TryGetValues("Allow", out _) || reply.ContentHeaders?.Allow.Count > 0, Is.True);
            Assert.That(reply.MediaType, Is.EqualTo("text/plain"));
        });
    }

    [Test, Requirement("CT-ERROR-TEXT")]
    public async Task PutWithWrongContentType_Returns415()
    {
        var reply = await _c.Put(_c.Url(Name()), _c.Alice, ReferenceClient.Join(_c.Alice), ("Content-Type", "text/plain"));
        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
    }
}
