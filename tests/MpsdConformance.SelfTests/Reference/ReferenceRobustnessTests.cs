using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MpsdConformance.Reference;

namespace MpsdConformance.SelfTests.Reference;

/// <summary>Bad input, limits, logs and timers: the server refuses clearly, never answers 5xx, and loses nothing.</summary>
public class ReferenceRobustnessTests
{
    private static async Task<(Reply Before, Reply After, Reply Refused)> RefuseAndCompare(ReferenceClient c, Func<string, Task<Reply>> send)
    {
        var name = ReferenceClient.NewName();
        await c.Put(c.Url(name), c.Alice, ReferenceClient.Join(c.Alice, ""","properties":{"custom":{"v":1}}"""));
        var before = await c.Get(c.Url(name), c.Alice);
        var refused = await send(c.Url(name));
        var after = await c.Get(c.Url(name), c.Alice);
        return (before, after, refused);
    }

    [TestCase("""{"members":""", "not JSON", TestName = "Malformed JSON")]
    [TestCase("""{"members":{"me":{}},}""", "not JSON", TestName = "Trailing comma")]
    [TestCase("""{"foo":1}""", "/foo", TestName = "Prohibited top-level member")]
    [TestCase("""{"constants":{"system":{"visibility":"public"}}}""", "/constants/system/visibility", TestName = "Schema violation")]
    [TestCase("""[1,2]""", "expected object", TestName = "Array body")]
    [TestCase("""{"a":1,"a":2}""", "duplicate key", TestName = "Duplicate key")]
    [TestCase("""{"properties":{"custom":{"a":"\uD800"}}}""", "unpaired", TestName = "Lone surrogate escape")]
    [Requirement("PUT-MALFORMED-400", "PUT-PROHIBITED-400", "CT-ERROR-TEXT")]
    public async Task BadBody_Returns400_NamingTheProblem_AndChangesNothing(string body, string mention)
    {
        await using var c = await ReferenceClient.StartAsync();
        var (before, after, refused) = await RefuseAndCompare(c, url => c.Put(url, c.Alice, body));
        Assert.Multiple(() =>
        {
            Assert.That(refused.Status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(refused.MediaType, Is.EqualTo("text/plain"));
            Assert.That(refused.Body, Does.Contain(mention));
            Assert.That(after.Body, Is.EqualTo(before.Body));
        });
    }

    [Test, Requirement("PUT-MALFORMED-400")]
    public async Task DeeplyNestedJson_Returns400()
    {
        await using var c = await ReferenceClient.StartAsync();
        var deep = """{"properties":{"custom":{"x":""" + new string('[', 70) + new string(']', 70) + "}}}";
        var (before, after, refused) = await RefuseAndCompare(c, url => c.Put(url, c.Alice, deep));
        Assert.Multiple(() =>
        {
            Assert.That(refused.Status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(refused.Body, Does.Contain("deeper than 64"));
            Assert.That(after.Body, Is.EqualTo(before.Body));
        });
    }

    [Test, Requirement("PUT-MALFORMED-400")]
    public async Task InvalidUtf8_Returns400()
    {
        await using var c = await ReferenceClient.StartAsync();
        var (before, after, refused) = await RefuseAndCompare(c, url =>
            c.PutBytes(url, c.Alice, [.. "{\"properties\":{\"custom\":{\"x\":\""u8.ToArray(), 0xC3, 0x28, .. "\"}}}"u8.ToArray()]));
        Assert.Multiple(() =>
        {
            Assert.That(refused.Status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(refused.Body, Does.Contain("UTF-8"));
            Assert.That(after.Body, Is.EqualTo(before.Body));
        });
    }

    [Test, Requirement("PUT-CREATE-201")]
    public async Task BodyWithAByteOrderMark_IsAccepted()
    {
        await using var c = await ReferenceClient.StartAsync();
        var reply = await c.PutBytes(c.Url(ReferenceClient.NewName()), c.Alice, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(ReferenceClient.Join(c.Alice))]);
        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.Created), reply.ToString());
    }

    [Test]
    public async Task BodyOver1MiB_Returns413_AndChangesNothing()
    {
        await using var c = await ReferenceClient.StartAsync();
        var big = """{"properties":{"custom":{"blob":""" + "\"" + new string('x', 1024 * 1024) + "\"}}}";
        var (before, after, refused) = await RefuseAndCompare(c, url => c.Put(url, c.Alice, big));
        Assert.Multiple(() =>
        {
            Assert.That(refused.Status, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
            Assert.That(after.Body, Is.EqualTo(before.Body));
        });
    }

    [Test]
    public async Task SessionCap_AnswersCreation503WithRetryAfter_ExistingSessionsStillWork()
    {
        var config = ReferenceConfig.BuiltIn();
        config = new ReferenceConfig { Scids = config.Scids, Identities = config.Identities, Limits = new LimitsConfig { MaxSessions = 2, RetryAfterSeconds = 3 } };
        await using var c = await ReferenceClient.StartAsync(new ReferenceOptions { Config = config, SchemasDirectory = Repo.Schemas });
        var names = Enumerable.Range(0, 3).Select(_ => ReferenceClient.NewName()).ToList();
        var first = await c.Put(c.Url(names[0]), c.Alice, ReferenceClient.Join(c.Alice));
        var second = await c.Put(c.Url(names[1]), c.Alice, ReferenceClient.Join(c.Alice));
        var third = await c.Put(c.Url(names[2]), c.Alice, ReferenceClient.Join(c.Alice));
        var update = await c.Put(c.Url(names[0]), c.Bob, ReferenceClient.Join(c.Bob));
        await c.Put(c.Url(names[1]), c.Alice, """{"members":{"me":null}}""");
        var afterRoom = await c.Put(c.Url(names[2]), c.Alice, ReferenceClient.Join(c.Alice));
        Assert.Multiple(() =>
        {
            Assert.That(first.Status, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(second.Status, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(third.Status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(third.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(3)));
            Assert.That(update.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(afterRoom.Status, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(c.Server.SessionCount, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task RequestLog_NeverHoldsATokenOrAuthorizationValue()
    {
        var lines = new ConcurrentQueue<string>();
        var config = ReferenceConfig.BuiltIn();
        await using var c = await ReferenceClient.StartAsync(new ReferenceOptions { Config = config, SchemasDirectory = Repo.Schemas, RequestLog = lines.Enqueue });
        var name = ReferenceClient.NewName();
        await c.Put(c.Url(name), c.Alice, ReferenceClient.Join(c.Alice));
        await c.Get(c.Url(name), c.Bob);
        await c.Get(c.Url(name), null, ("Authorization", "XBL3.0 x=1001;canary-token-that-must-not-leak"));
        var log = string.Join("\n", lines);
        Assert.Multiple(() =>
        {
            Assert.That(lines, Has.Count.EqualTo(3));
            Assert.That(log, Does.Contain("PUT /serviceconfigs/").And.Contain("-> 201 (alice)"));
            foreach (var identity in config.Identities)
            {
                Assert.That(log, Does.Not.Contain(identity.Token));
            }
            Assert.That(log, Does.Not.Contain("canary-token").And.Not.Contain("XBL3.0"));
        });
    }

    [Test]
    public async Task SeveralServers_RunSideBySide_WithTheirOwnStateAndTokens()
    {
        await using var a = await ReferenceClient.StartAsync();
        await using var b = await ReferenceClient.StartAsync();
        var name = ReferenceClient.NewName();
        await a.Put(a.Url(name), a.Alice, ReferenceClient.Join(a.Alice));
        var inB = await b.Get(b.Url(name), b.Alice);
        var crossToken = await b.Get(b.Url(name), a.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(a.Server.BaseUrl, Is.Not.EqualTo(b.Server.BaseUrl));
            Assert.That(inB.Status, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(crossToken.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
        });
    }

    [Test]
    public async Task BuiltInTargetProfile_PointsAtTheServer_WithEveryIdentity()
    {
        await using var c = await ReferenceClient.StartAsync();
        var profile = JsonNode.Parse(c.Server.TargetProfileJson())!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)profile["baseUrl"], Is.EqualTo(c.Server.BaseUrl.ToString().TrimEnd('/')));
            Assert.That((string?)profile["templates"]!["open"], Is.EqualTo("quick"));
            Assert.That((string?)profile["templates"]!["private"], Is.EqualTo("closed-club"));
            Assert.That(profile["users"]!.AsArray().Select(u => (string?)u!["name"]), Is.EqualTo(new[] { "alice", "bob", "carol", "dave" }));
            Assert.That((string?)profile["unprivileged"]!["name"], Is.EqualTo("erin"));
            Assert.That((string?)profile["rateLimits"]!["user"], Is.EqualTo("dave"));
            Assert.That((string?)profile["server"]!["headers"]!["Authorization"], Does.StartWith("XBL3.0 x=9999;"));
        });
    }
}

/// <summary>Lazy timers on a clock the test moves.</summary>
public class ReferenceTimerTests
{
    private static ReferenceConfig WithTemplate(string name, int? sessionEmptyTimeout, int reservedRemovalTimeout = 30000)
    {
        var config = ReferenceConfig.BuiltIn();
        var system = new JsonObject { ["visibility"] = "open", ["maxMembersCount"] = 8, ["reservedRemovalTimeout"] = reservedRemovalTimeout };
        system["sessionEmptyTimeout"] = sessionEmptyTimeout is null ? null : JsonValue.Create(sessionEmptyTimeout.Value);
        config.Scids.First().Value[name] = new TemplateConfig { Constants = new JsonObject { ["system"] = system, ["custom"] = new JsonObject() } };
        return config;
    }

    [Test, Requirement("TIMER-RESERVED-REMOVAL", "TIMER-SESSION-EMPTY", "EXPIRES-HEADER")]
    public async Task Reservation_IsRemovedOnTheFirstRequestAfterItsTimeout_WithNextTimerUntilThen()
    {
        var clock = new ManualClock();
        await using var c = await ReferenceClient.StartAsync(new ReferenceOptions { Config = WithTemplate("quick2", 0), Time = clock, SchemasDirectory = Repo.Schemas });
        var name = ReferenceClient.NewName();
        await c.Put(c.Url(name, "quick2"), c.Alice, ReferenceClient.Join(c.Alice));
        var reservation = new JsonObject { ["members"] = new JsonObject { ["reserve_0"] = new JsonObject { ["constants"] = new JsonObject { ["system"] = new JsonObject { ["xuid"] = c.Bob.Xuid } } } } };
        var reserved = await c.Put(c.Url(name, "quick2"), c.Alice, reservation.ToJsonString());
        clock.Advance(TimeSpan.FromSeconds(29));
        var before = await c.Get(c.Url(name, "quick2"), c.Alice);
        clock.Advance(TimeSpan.FromSeconds(1));
        var after = await c.Get(c.Url(name, "quick2"), c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That((string?)reserved.Session["nextTimer"], Is.EqualTo("2026-11-23T10:00:30.0000000Z"));
            Assert.That(reserved.ContentHeaders?.Expires, Is.EqualTo(new DateTimeOffset(2026, 11, 23, 10, 0, 30, TimeSpan.Zero)));
            Assert.That((int?)before.Session["membersInfo"]!["count"], Is.EqualTo(2));
            Assert.That((int?)after.Session["membersInfo"]!["count"], Is.EqualTo(1));
            Assert.That(after.Session["nextTimer"], Is.Null);
            Assert.That((long?)after.Session["changeNumber"], Is.EqualTo((long?)before.Session["changeNumber"] + 1));
            Assert.That(after.ETag, Is.Not.EqualTo(before.ETag));
        });
    }

    [Test, Requirement("TIMER-SESSION-EMPTY", "SESSION-RESTART-CORRELATION")]
    public async Task EmptySession_LivesUntilSessionEmptyTimeout_AndARejoinRestartsItWithTheSameCorrelationId()
    {
        var clock = new ManualClock();
        await using var c = await ReferenceClient.StartAsync(new ReferenceOptions { Config = WithTemplate("lingering", 60_000), Time = clock, SchemasDirectory = Repo.Schemas });
        var name = ReferenceClient.NewName();
        var created = await c.Put(c.Url(name, "lingering"), c.Alice, ReferenceClient.Join(c.Alice));
        var left = await c.Put(c.Url(name, "lingering"), c.Alice, """{"members":{"me":null}}""");
        clock.Advance(TimeSpan.FromSeconds(30));
        var rejoined = await c.Put(c.Url(name, "lingering"), c.Bob, ReferenceClient.Join(c.Bob));
        await c.Put(c.Url(name, "lingering"), c.Bob, """{"members":{"me":null}}""");
        clock.Advance(TimeSpan.FromSeconds(59));
        var stillThere = await c.Get(c.Url(name, "lingering"), c.Alice);
        clock.Advance(TimeSpan.FromSeconds(1));
        var gone = await c.Get(c.Url(name, "lingering"), c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(left.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((int?)left.Session["membersInfo"]!["count"], Is.EqualTo(0));
            Assert.That((string?)left.Session["nextTimer"], Is.EqualTo("2026-11-23T10:01:00.0000000Z"));
            Assert.That((string?)rejoined.Session["correlationId"], Is.EqualTo((string?)created.Session["correlationId"]));
            Assert.That((string?)rejoined.Session["startTime"], Is.EqualTo("2026-11-23T10:00:30.0000000Z"));
            Assert.That(stillThere.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(gone.Status, Is.EqualTo(HttpStatusCode.NoContent));
        });
    }

    [Test, Requirement("TIMER-SESSION-EMPTY", "CONST-TIMEOUT-VALUES")]
    public async Task NullSessionEmptyTimeout_KeepsAnEmptySessionForever()
    {
        var clock = new ManualClock();
        await using var c = await ReferenceClient.StartAsync(new ReferenceOptions { Config = WithTemplate("forever", null), Time = clock, SchemasDirectory = Repo.Schemas });
        var name = ReferenceClient.NewName();
        await c.Put(c.Url(name, "forever"), c.Alice, ReferenceClient.Join(c.Alice));
        await c.Put(c.Url(name, "forever"), c.Alice, """{"members":{"me":null}}""");
        clock.Advance(TimeSpan.FromDays(365));
        var reply = await c.Get(c.Url(name, "forever"), c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(reply.Session["nextTimer"], Is.Null);
        });
    }
}
