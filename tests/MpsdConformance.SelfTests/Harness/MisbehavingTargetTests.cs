using System.Net;
using Microsoft.AspNetCore.Http;
using MpsdConformance.Reference;

namespace MpsdConformance.SelfTests.Harness;

/// <summary>A target that hangs, throttles or talks nonsense makes tests fail with a clear message; nothing hangs.</summary>
public class MisbehavingTargetTests
{
    private static async Task<(ReferenceServer Server, Target Target)> Start(Func<RequestDelegate, RequestDelegate>? interceptor, HarnessSettings? settings = null)
    {
        var server = await ReferenceServer.StartAsync(new ReferenceOptions { SchemasDirectory = Repo.Schemas, Interceptor = interceptor });
        return (server, Connect(server, settings));
    }

    private static Target Connect(ReferenceServer server, HarnessSettings? settings = null) =>
        Target.Connect(TargetProfile.Parse(server.TargetProfileJson(), "test double", _ => null), settings ?? new HarnessSettings());

    [Test]
    public async Task HangingTarget_TimesOut_WithAClearMessage()
    {
        var (server, target) = await Start(next => async context =>
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }, new HarnessSettings { RequestTimeout = TimeSpan.FromMilliseconds(300) });
        await using var _ = server;
        using var __ = target;
        ScenarioState.Begin();
        var started = DateTime.UtcNow;
        var ex = Assert.ThrowsAsync<TargetUnreachableException>(() => target.Get(target.Profile.Users[0], target.NewSession()));
        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("no answer within 0.3 s").And.Contain("GET "));
            Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromSeconds(5)));
            Assert.That(ex.Message, Does.Not.Contain(server.Config.Identities[0].Token));
        });
    }

    [Test]
    public async Task Throttling_IsRetriedHonouringRetryAfter_ThenServed()
    {
        var calls = 0;
        var (server, target) = await Start(next => async context =>
        {
            if (Interlocked.Increment(ref calls) <= 2)
            {
                context.Response.StatusCode = 503;
                context.Response.Headers.RetryAfter = "0";
                return;
            }
            await next(context);
        });
        await using var _ = server;
        using var __ = target;
        ScenarioState.Begin();
        var reply = await target.Get(target.Profile.Users[0], target.NewSession());
        Assert.Multiple(() =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(calls, Is.EqualTo(3));
        });
    }

    [Test]
    public async Task NonsenseJson_IsAFinding_NotACrash()
    {
        var (server, target) = await Start(next => async context =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"constants": 5, "members": {"x": {}}}""");
        });
        await using var _ = server;
        using var __ = target;
        ScenarioState.Begin();
        var reply = await target.Get(target.Profile.Users[0], target.NewSession());
        Assert.Multiple(() =>
        {
            Assert.That(reply.Session, Is.Not.Null);
            Assert.That(Target.Findings!.Select(f => f.Requirement), Does.Contain("RESP-REQUIRED-SECTIONS").And.Contain("RESP-MEMBERS-KEYS"));
            Assert.That(Target.Findings!.Select(f => f.Requirement), Does.Contain("ETAG-PRESENT"));
        });
    }

    [Test]
    public async Task Exchanges_AreRecordedRedacted_AndCleanupLeavesEverySession()
    {
        await using var server = await ReferenceServer.StartAsync(new ReferenceOptions { SchemasDirectory = Repo.Schemas });
        using var target = Connect(server);
        ScenarioState.Begin();
        var session = target.NewSession();
        var alice = target.Profile.Users[0];
        await target.Put(alice, session, "{\"members\":{\"me\":{\"constants\":{\"system\":{\"xuid\":\"" + alice.Xuid + "\"}}}}}");
        var exchange = ScenarioState.Current!.Exchanges.Single();
        var problems = await target.CleanUpAsync();
        ScenarioState.Begin();
        var after = await target.Get(alice, session);
        Assert.Multiple(() =>
        {
            Assert.That(exchange.RequestHeaders.Single(h => h.Key == "Authorization").Value, Is.EqualTo(Redactor.Mask));
            Assert.That(exchange.Describe(), Does.Contain("→ PUT ").And.Contain("← 201 Created").And.Not.Contain(server.Config.Identities[0].Token));
            Assert.That(problems, Is.Empty);
            Assert.That(after.Status, Is.EqualTo(HttpStatusCode.NoContent), "cleanup left the session, so it is gone");
            Assert.That(server.SessionCount, Is.Zero);
        });
    }

    [Test]
    public void SuiteBuildingAnInvalidBody_IsReportedAsASuiteBug()
    {
        Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var server = await ReferenceServer.StartAsync(new ReferenceOptions { SchemasDirectory = Repo.Schemas });
            using var target = Connect(server);
            await target.Put(target.Profile.Users[0], target.NewSession(), """{"bogus":1}""");
        });
    }
}
