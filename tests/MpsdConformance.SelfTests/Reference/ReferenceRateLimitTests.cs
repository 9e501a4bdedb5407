using System.Net;
using System.Text.Json.Nodes;
using MpsdConformance.Reference;

namespace MpsdConformance.SelfTests.Reference;

/// <summary>
/// Request limits, opt-in: a caller's fine-grained rate limit on one session (429 with a JSON message) and the
/// overload limit of everyone (503 with Retry-After), in fixed windows on a fake clock; nobody else is limited.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class ReferenceRateLimitTests
{
    private static Task<ReferenceClient> Start(ManualClock clock, ReferenceConfig? config = null) =>
        ReferenceClient.StartAsync(new ReferenceOptions { Config = config ?? ReferenceConfig.BuiltIn(), Time = clock, SchemasDirectory = Repo.Schemas });

    private static ReferenceConfig WithLimits(LimitsConfig limits)
    {
        var builtIn = ReferenceConfig.BuiltIn();
        return new ReferenceConfig { Scids = builtIn.Scids, Identities = builtIn.Identities, Limits = limits };
    }

    private static async Task<List<Reply>> Times(int count, Func<Task<Reply>> send)
    {
        var replies = new List<Reply>();
        for (var i = 0; i < count; i++)
        {
            replies.Add(await send());
        }
        return replies;
    }

    [Test, Requirement("RATE-429-503")]
    public async Task BuiltInDave_OverHisLimit_Gets429WithAJsonMessage_UntilTheWindowEnds()
    {
        var clock = new ManualClock();
        await using var c = await Start(clock);
        var dave = c.Identity("dave");
        var url = c.Url(ReferenceClient.NewName());
        var allowed = await Times(20, () => c.Get(url, dave));
        var refused = await c.Get(url, dave);
        var otherSession = await c.Get(c.Url(ReferenceClient.NewName()), dave);
        var alice = await Times(100, () => c.Get(url, c.Alice));
        clock.Advance(TimeSpan.FromSeconds(45));
        var later = await c.Get(url, dave);
        clock.Advance(TimeSpan.FromSeconds(15));
        var nextWindow = await c.Get(url, dave);
        Assert.Multiple(() =>
        {
            Assert.That(allowed.Select(r => r.Status), Has.All.EqualTo(HttpStatusCode.NoContent));
            Assert.That(refused.Status, Is.EqualTo((HttpStatusCode)429));
            Assert.That(refused.MediaType, Is.EqualTo("application/json"));
            Assert.That((string?)JsonNode.Parse(refused.Body)?["message"], Does.Contain("at most 20 per 60 s"));
            Assert.That(refused.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(60)));
            Assert.That(otherSession.Status, Is.EqualTo(HttpStatusCode.NoContent), "the limit is per caller and session");
            Assert.That(alice.Select(r => r.Status), Has.All.EqualTo(HttpStatusCode.NoContent), "no other user of the built-in configuration has a limit");
            Assert.That(later.Status, Is.EqualTo((HttpStatusCode)429));
            Assert.That(later.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(15)));
            Assert.That(nextWindow.Status, Is.EqualTo(HttpStatusCode.NoContent));
        });
    }

    [Test, Requirement("RATE-429-503")]
    public async Task EveryCallersLimit_RefusesWritesWithoutChangingTheSession_AndAnIdentitysOwnLimitTakesItsPlace()
    {
        var clock = new ManualClock();
        await using var c = await Start(clock, WithLimits(new LimitsConfig { RateLimit = new RateLimitConfig { Requests = 3, WindowSeconds = 10 } }));
        var url = c.Url(ReferenceClient.NewName());
        await c.Put(url, c.Alice, ReferenceClient.Join(c.Alice));
        await c.Put(url, c.Alice, """{"properties":{"custom":{"v":1}}}""");
        await c.Get(url, c.Alice);
        var before = await c.Get(url, c.Bob);
        var refused = await c.Put(url, c.Alice, """{"properties":{"custom":{"v":2}}}""");
        var after = await c.Get(url, c.Bob);
        var dave = await Times(10, () => c.Get(url, c.Identity("dave")));
        Assert.Multiple(() =>
        {
            Assert.That(refused.Status, Is.EqualTo((HttpStatusCode)429));
            Assert.That(refused.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(10)));
            Assert.That(after.Body, Is.EqualTo(before.Body), "a refused write changes nothing");
            Assert.That(dave.Select(r => r.Status), Has.All.EqualTo(HttpStatusCode.OK), "dave's own limit (20 per 60 s) replaces everyone's");
        });
    }

    [Test, Requirement("RATE-429-503")]
    public async Task OverloadLimit_Answers503TextPlainWithRetryAfter_ForEveryone()
    {
        var clock = new ManualClock();
        await using var c = await Start(clock, WithLimits(new LimitsConfig { OverloadLimit = new RateLimitConfig { Requests = 5, WindowSeconds = 2 } }));
        var served = new List<Reply>();
        foreach (var who in new[] { c.Alice, c.Bob, c.Carol, c.Alice, c.Bob })
        {
            served.Add(await c.Get(c.Url(ReferenceClient.NewName()), who));
        }
        var overloaded = await c.Get(c.Url(ReferenceClient.NewName()), c.Carol);
        clock.Advance(TimeSpan.FromSeconds(2));
        var again = await c.Get(c.Url(ReferenceClient.NewName()), c.Carol);
        Assert.Multiple(() =>
        {
            Assert.That(served.Select(r => r.Status), Has.All.EqualTo(HttpStatusCode.NoContent));
            Assert.That(overloaded.Status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(overloaded.MediaType, Is.EqualTo("text/plain"));
            Assert.That(overloaded.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(2)));
            Assert.That(again.Status, Is.EqualTo(HttpStatusCode.NoContent));
        });
    }

    [Test]
    public void BuiltInConfiguration_LimitsNobodyButDave_AndItsProfileGrantsABurstPastDavesLimit()
    {
        var config = ReferenceConfig.BuiltIn();
        Assert.Multiple(() =>
        {
            Assert.That(config.Limits.RateLimit, Is.Null);
            Assert.That(config.Limits.OverloadLimit, Is.Null);
            Assert.That(config.Identities.Where(i => i.RateLimit is not null).Select(i => i.Name), Is.EqualTo(new[] { "dave" }));
        });
    }

    [Test]
    public async Task BuiltInProfile_GrantsABurstTwiceDavesLimit_ThatTheHarnessReads()
    {
        await using var c = await Start(new ManualClock());
        var profile = TargetProfile.Parse(c.Server.TargetProfileJson(), "built-in", _ => null);
        Assert.Multiple(() =>
        {
            Assert.That(profile.RateLimits?.Burst, Is.EqualTo(40));
            Assert.That(profile.RateLimits?.User.Name, Is.EqualTo("dave"));
            Assert.That(profile.Users.Take(3).Select(u => u.Name), Is.EqualTo(new[] { "alice", "bob", "carol" }), "the suite's usual users come first");
        });
    }

    [TestCase("""{"rateLimit":{"requests":0,"windowSeconds":10}}""", "limits.rateLimit: requests >= 1")]
    [TestCase("""{"overloadLimit":{"requests":5,"windowSeconds":0}}""", "limits.overloadLimit: requests >= 1 and windowSeconds from 1 to 86400")]
    [TestCase("""{"rateLimit":{"requests":5,"perSecond":1}}""", "not a valid configuration")]
    public void BadLimits_AreRefused_NamingTheField(string limits, string message)
    {
        var path = Path.Combine(Path.GetTempPath(), "mpsd-config-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, """
            {"scids":{"8e9a0f52-6e6b-4c1a-9d2e-1b7c3f0a5d11":{"quick":{}}},
             "identities":[{"name":"zed","xuid":"42","userHash":"7","token":"tok-zed"}],
             "limits":
            """ + limits + "}");
        var e = Assert.Throws<ReferenceConfigException>(() => ReferenceConfig.Load(path));
        File.Delete(path);
        Assert.That(e!.Message, Does.Contain(message));
    }

    [Test]
    public void IdentityWithABadLimit_IsRefused_NamingTheIdentity()
    {
        var path = Path.Combine(Path.GetTempPath(), "mpsd-config-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, """
            {"scids":{"8e9a0f52-6e6b-4c1a-9d2e-1b7c3f0a5d11":{"quick":{}}},
             "identities":[{"name":"zed","xuid":"42","userHash":"7","token":"tok-zed","multiplayerPrivilege":false,"rateLimit":{"requests":-1}}]}
            """);
        var e = Assert.Throws<ReferenceConfigException>(() => ReferenceConfig.Load(path));
        File.Delete(path);
        Assert.That(e!.Message, Does.Contain("identities[0] (zed): rateLimit: requests >= 1"));
    }
}
