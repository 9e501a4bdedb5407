using System.Net;
using System.Text.Json.Nodes;
using MpsdConformance.Reference;

namespace MpsdConformance.SelfTests.Reference;

/// <summary>The multiplayer privilege: a user without it cannot create sessions; joining follows PRIVILEGE-403's reading.</summary>
[Parallelizable(ParallelScope.All)]
public class ReferencePrivilegeTests : ReferenceTestBase
{
    private IdentityConfig Erin => _c.Identity("erin");

    [Test, Requirement("PRIVILEGE-403")]
    public async Task CreateWithoutThePrivilege_Gets403TextPlain_AndStoresNothing()
    {
        var name = Name();
        var refused = await _c.Put(_c.Url(name), Erin, ReferenceClient.Join(Erin));
        var notCommitted = await _c.Put(_c.Url(name) + "?nocommit=true", Erin, ReferenceClient.Join(Erin));
        var empty = await _c.Put(_c.Url(name), Erin, """{"properties":{"custom":{"a":1}}}""");
        var read = await _c.Get(_c.Url(name), _c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(refused.Status, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(refused.MediaType, Is.EqualTo("text/plain"));
            Assert.That(refused.Body, Does.Contain("multiplayer privilege"));
            Assert.That(notCommitted.Status, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(empty.Status, Is.EqualTo(HttpStatusCode.Forbidden), "a create that names no member is a create too");
            Assert.That(read.Status, Is.EqualTo(HttpStatusCode.NoContent), "nothing was stored");
        });
    }

    [Test, Requirement("PRIVILEGE-403")]
    public async Task JoinWithoutThePrivilege_IsAccepted_UnderTheReferenceReading()
    {
        var name = Name();
        await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var joined = await _c.Put(_c.Url(name), Erin, ReferenceClient.Join(Erin));
        var left = await _c.Delete(_c.Url(name, suffix: "/members/me"), Erin);
        Assert.Multiple(() =>
        {
            Assert.That(joined.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((string?)joined.Session["members"]!["1"]?["constants"]?["system"]?["xuid"], Is.EqualTo(Erin.Xuid));
            Assert.That(left.Status, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test, Requirement("PRIVILEGE-403")]
    public async Task JoinWithoutThePrivilege_Gets403AndChangesNothing_UnderJoinToo()
    {
        await using var c = await ReferenceClient.StartAsync(new ReferenceOptions
        {
            SchemasDirectory = Repo.Schemas,
            Readings = new Dictionary<string, string> { ["PRIVILEGE-403"] = "join-too" },
        });
        var erin = c.Identity("erin");
        var name = ReferenceClient.NewName();
        await c.Put(c.Url(name), c.Alice, ReferenceClient.Join(c.Alice));
        var before = await c.Get(c.Url(name), c.Alice);
        var join = await c.Put(c.Url(name), erin, ReferenceClient.Join(erin));
        var write = await c.Put(c.Url(name), erin, """{"properties":{"custom":{"note":"no join"}}}""");
        var after = await c.Get(c.Url(name), c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(join.Status, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(join.Body, Does.Contain("joining a session needs the multiplayer privilege"));
            Assert.That(write.Status, Is.EqualTo(HttpStatusCode.OK), "a write that does not join is no join");
            Assert.That(after.Session["members"]!.AsObject().Count, Is.EqualTo(1));
            Assert.That(after.Session["members"]!.ToJsonString(), Is.EqualTo(before.Session["members"]!.ToJsonString()));
        });
    }

    [Test]
    public void BuiltInProfile_NamesTheUserWithoutThePrivilege_ApartFromTheUsers()
    {
        var profile = JsonNode.Parse(_c.Server.TargetProfileJson())!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)profile["unprivileged"]?["name"], Is.EqualTo("erin"));
            Assert.That((string?)profile["unprivileged"]?["xuid"], Is.EqualTo(Erin.Xuid));
            Assert.That(profile["users"]!.AsArray().Select(u => (string?)u!["name"]), Is.EqualTo(new[] { "alice", "bob", "carol", "dave" }));
        });
    }

    [Test]
    public void ServerPrincipalWithoutThePrivilege_IsAConfigurationError()
    {
        var config = ReferenceConfig.BuiltIn();
        config.Identities[^1] = new IdentityConfig { Name = "server", Kind = "server", UserHash = "9999", Token = "t-server", MultiplayerPrivilege = false };
        var e = Assert.Throws<ReferenceConfigException>(() => config.Validate());
        Assert.That(e!.Message, Does.Contain("(server): multiplayerPrivilege is an account privilege of users"));
    }
}
