using System.Net;
using Microsoft.AspNetCore.Http;
using MpsdConformance.Hosting;
using MpsdConformance.Reference;

namespace MpsdConformance.SelfTests.Harness;

/// <summary>
/// A target that hangs, drips, breaks off, talks nonsense, sends the wrong media type or too much makes tests
/// fail with a clear message; nothing hangs. The canned misbehaviours are WireMock.Net doubles
/// (<see cref="WireMockDoubles"/>), or bare sockets where WireMock.Net cannot misbehave that way
/// (<see cref="RawSocketDouble"/>); the ones that need a real target's state stay interceptors of the reference
/// server.
/// </summary>
public class MisbehavingTargetTests
{
    // A held answer or a drip lasts several times the harness's timeout, so the harness always gives up first;
    // the answer of a drip starts at once, well within it. Doubles that answer at once get the default timeout.
    private static readonly HarnessSettings Short = new() { RequestTimeout = TimeSpan.FromMilliseconds(300) };
    private static readonly HarnessSettings Drip = new() { RequestTimeout = TimeSpan.FromSeconds(1) };
    private static readonly HarnessSettings Ample = new();
    private static readonly TimeSpan HeldFor = TimeSpan.FromSeconds(3);

    // An interceptor of the reference server, for misbehaviours that pass some requests on to it (throttling
    // that ends, a count of the calls): they need the answers and the state of a real target.
    private static async Task<(ReferenceServer Server, Target Target)> Start(Func<RequestDelegate, RequestDelegate>? interceptor, HarnessSettings? settings = null)
    {
        var server = await ReferenceServer.StartAsync(new ReferenceOptions { SchemasDirectory = Repo.Schemas, Interceptor = interceptor });
        return (server, Connect(server, settings));
    }

    private static Target Connect(ReferenceServer server, HarnessSettings? settings = null) =>
        Target.Connect(TargetProfile.Parse(server.TargetProfileJson(), "test double", _ => null), settings ?? new HarnessSettings());

    private static string FailureOf(TestDelegate expectation) => Assert.Throws<AssertionException>(expectation)!.Message;

    [Test]
    public void HangingTarget_TimesOut_WithAClearMessage()
    {
        using var misbehaving = WireMockDoubles.Start(WireMockDoubles.NoAnswer(HeldFor));
        using var target = misbehaving.Connect(Short);
        ScenarioState.Begin();
        var started = DateTime.UtcNow;
        var ex = Assert.ThrowsAsync<TargetUnreachableException>(() => target.Get(target.Profile.Users[0], target.NewSession()));
        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("no answer within 0.3 s").And.Contain("GET "));
            Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromSeconds(5)));
            Assert.That(ex.Message, Does.Not.Contain(misbehaving.Token));
        });
    }

    [Test]
    public void SlowDrip_TimesOut_SayingTheBodyDidNotEnd()
    {
        using var misbehaving = WireMockDoubles.Start(WireMockDoubles.SlowDrip(TimeSpan.FromMilliseconds(50), HeldFor));
        using var target = misbehaving.Connect(Drip);
        ScenarioState.Begin();
        var ex = Assert.ThrowsAsync<TargetUnreachableException>(() => target.Get(target.Profile.Users[0], target.NewSession()));
        var exchange = ScenarioState.Current!.Exchanges.Single();
        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("GET ").And.Contain("no complete answer within 1 s: 200 came, but its body did not end"));
            Assert.That(exchange.Error, Does.StartWith("no complete answer within 1 s"), "the recorded exchange says so too");
            Assert.That(ex.Message, Does.Not.Contain(misbehaving.Token));
        });
    }

    [Test]
    public void ResetMidBody_FailsSayingTheAnswerBrokeOff()
    {
        using var misbehaving = RawSocketDouble.Start("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"constants\":", reset: true);
        using var target = misbehaving.Connect(Ample);
        ScenarioState.Begin();
        var ex = Assert.ThrowsAsync<TargetUnreachableException>(() => target.Get(target.Profile.Users[0], target.NewSession()));
        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("GET ").And.Contain("200 came, but the answer broke off before its body ended"));
            Assert.That(ex.Message, Does.Contain("connection reset").IgnoreCase, "the transport's reason is named");
            Assert.That(ScenarioState.Current!.Exchanges.Single().Error, Does.StartWith("200 came, but the answer broke off"));
            Assert.That(ex.Message, Does.Not.Contain(misbehaving.Token));
        });
    }

    [Test]
    public void HeadersOverTheCap_FailNamingTheCap()
    {
        using var misbehaving = RawSocketDouble.Start("HTTP/1.1 200 OK\r\nX-Flood: " + new string('x', 20 * 1024) + "\r\nContent-Length: 0\r\n\r\n", reset: false);
        using var target = misbehaving.Connect(Ample with { MaxHeaderKiB = 8 });
        ScenarioState.Begin();
        var ex = Assert.ThrowsAsync<TargetUnreachableException>(() => target.Get(target.Profile.Users[0], target.NewSession()));
        Assert.That(ex!.Message, Does.Contain("GET ").And.Contain("the answer's headers exceeded 8 KiB, the most the suite reads (MPSD_MAX_HEADER_KIB)"));
    }

    [Test]
    public void ControlCharactersFromTheTarget_AreShownAsDots()
    {
        using var misbehaving = RawSocketDouble.Start("\u0018\u0001garbage\u0002\r\n", reset: false);
        using var target = misbehaving.Connect(Ample);
        ScenarioState.Begin();
        var ex = Assert.ThrowsAsync<TargetUnreachableException>(() => target.Get(target.Profile.Users[0], target.NewSession()));
        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("..garbage."));
            Assert.That(ex.Message.Where(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')), Is.Empty);
        });
    }

    [Test]
    public void NotHttp_FailsNamingWhatCameInstead()
    {
        using var misbehaving = RawSocketDouble.Start("SSH-2.0-OpenSSH_9.2\r\n", reset: false);
        using var target = misbehaving.Connect(Ample);
        ScenarioState.Begin();
        var ex = Assert.ThrowsAsync<TargetUnreachableException>(() => target.Get(target.Profile.Users[0], target.NewSession()));
        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("GET ").And.Contain("invalid status line: 'SSH-2.0-OpenSSH_9.2'"));
            Assert.That(ex.Message, Does.Not.Contain(misbehaving.Token));
        });
    }

    [Test]
    public async Task GarbageBody_IsAFinding_AndNoSession_NotACrash()
    {
        using var misbehaving = WireMockDoubles.Start(WireMockDoubles.GarbageBody());
        using var target = misbehaving.Connect(Ample);
        ScenarioState.Begin();
        var reply = await target.Get(target.Profile.Users[0], target.NewSession());
        var failure = FailureOf(() => Expect.Session(reply, "a session"));
        Assert.Multiple(() =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(reply.Session, Is.Null);
            Assert.That(Target.Findings!.Select(f => $"{f.Requirement}: {f.Message}"), Has.Some.StartWith("RESP-TOPLEVEL-FIELDS: the JSON body is not JSON"));
            Assert.That(failure, Does.Contain("the response has no session document: its application/json body is not JSON"));
        });
    }

    [Test]
    public async Task EmptyBody_OfAJsonAnswer_IsNamedAsEmpty()
    {
        using var misbehaving = WireMockDoubles.Start(WireMockDoubles.EmptyBody());
        using var target = misbehaving.Connect(Ample);
        ScenarioState.Begin();
        var reply = await target.Get(target.Profile.Users[0], target.NewSession());
        var failure = FailureOf(() => Expect.Field(reply, "/members", Is.Not.Null, "a session"));
        Assert.Multiple(() =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(failure, Does.Contain("at /members: expected not null, found nothing (the response has no session document: its application/json body is empty)"));
        });
    }

    [TestCase("text/html; charset=utf-8", "its body is text/html, not application/json")]
    [TestCase("text/plain", "its body is text/plain, not application/json")]
    public async Task WrongContentType_IsNamed_WhenASessionIsExpected(string contentType, string named)
    {
        using var misbehaving = WireMockDoubles.Start(WireMockDoubles.WrongContentType(contentType));
        using var target = misbehaving.Connect(Ample);
        ScenarioState.Begin();
        var reply = await target.Get(target.Profile.Users[0], target.NewSession());
        var field = FailureOf(() => Expect.Field(reply, "/constants/system/maxMembersCount", Is.EqualTo(8), "the session's size"));
        var session = FailureOf(() => Expect.Session(reply, "a session"));
        Assert.Multiple(() =>
        {
            Assert.That(reply.Session, Is.Null, "a session document is application/json, whatever the body looks like");
            Assert.That(field, Does.Contain($"found nothing (the response has no session document: {named})"));
            Assert.That(session, Does.Contain($"expected a session document (application/json): a session\nthe response has no session document: {named}"));
        });
    }

    [Test]
    public void HugeBody_IsCutOff_NamingTheLimit()
    {
        using var misbehaving = WireMockDoubles.Start(WireMockDoubles.HugeBody(4 << 20));
        using var target = misbehaving.Connect(Ample with { MaxAnswerBytes = 1 << 20 });
        ScenarioState.Begin();
        var ex = Assert.ThrowsAsync<TargetUnreachableException>(() => target.Get(target.Profile.Users[0], target.NewSession()));
        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("GET ").And.Contain("200 came, but the answer exceeded 1048576 bytes, the most the suite reads (MPSD_MAX_ANSWER_BYTES)"));
            // Only the first part of the answer is kept, as evidence.
            Assert.That(ScenarioState.Current!.Exchanges.Single().Error, Does.StartWith("200 came, but the answer exceeded 1048576 bytes")
                .And.Contain("its first 256 bytes: {\"constants\"")
                .And.Length.LessThan(600));
        });
    }

    [Test]
    public async Task Probe_OfATargetThatDoesNotAnswer_SaysSo_WithinItsTimeout()
    {
        using var misbehaving = WireMockDoubles.Start(WireMockDoubles.NoAnswer(HeldFor));
        var problem = await TargetProbe.CheckAsync(misbehaving.Profile, TimeSpan.FromMilliseconds(300), CancellationToken.None);
        Assert.That(problem, Does.Contain("0.3 seconds").And.Not.Contain(misbehaving.Token));
    }

    [Test]
    public async Task Probe_OfATargetThatIsNotHttp_NamesWhatCameInstead()
    {
        using var misbehaving = RawSocketDouble.Start("SSH-2.0-OpenSSH_9.2\r\n", reset: false);
        var problem = await TargetProbe.CheckAsync(misbehaving.Profile, TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.That(problem, Does.Contain("invalid status line: 'SSH-2.0-OpenSSH_9.2'"));
    }

    [Test]
    public async Task Probe_OfATargetThatResetsTheConnection_NamesTheReset()
    {
        using var misbehaving = RawSocketDouble.Start("", reset: true);
        var problem = await TargetProbe.CheckAsync(misbehaving.Profile, TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.That(problem, Does.Contain("An error occurred while sending the request").And.Contain("connection reset").IgnoreCase);
    }

    [Test]
    public async Task Probe_OfATargetThatAnswersNonsense_PassesIt_TheScenariosJudgeTheAnswers()
    {
        using var misbehaving = WireMockDoubles.Start(WireMockDoubles.WrongContentType("text/html"));
        Assert.That(await TargetProbe.CheckAsync(misbehaving.Profile, TimeSpan.FromSeconds(5), CancellationToken.None), Is.Null);
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
    public async Task RetriedThrottling_OfAnUndocumentedShape_IsARateFinding_EvenWhenTheRetryIsServed()
    {
        var calls = 0;
        var (server, target) = await Start(next => async context =>
        {
            switch (Interlocked.Increment(ref calls))
            {
                case 1:
                    context.Response.StatusCode = 429;
                    context.Response.Headers.RetryAfter = "0";
                    context.Response.ContentType = "text/plain";
                    await context.Response.WriteAsync("slow down");
                    return;
                case 2:
                    context.Response.StatusCode = 429;
                    context.Response.Headers.RetryAfter = "0";
                    context.Response.ContentType = "application/json";
                    await context.Response.WriteAsync("""{"message":"slow down"}""");
                    return;
                default:
                    await next(context);
                    return;
            }
        });
        await using var _ = server;
        using var __ = target;
        ScenarioState.Begin();
        var reply = await target.Get(target.Profile.Users[0], target.NewSession());
        Assert.Multiple(() =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(Target.Findings!.Select(f => $"{f.Requirement}: {f.Message}"),
                Is.EqualTo(new[] { "RATE-429-503: 429 with text/plain: a 429 carries an application/json body (a message)" }),
                "the text/plain 429 is found; the JSON 429 is no session and no finding");
        });
    }

    [TestCase(503, null, "", null, "503 without a Retry-After header")]
    [TestCase(503, "text/plain", "", "1", null)]
    [TestCase(429, "application/json", """{"message":"slow down"}""", null, null)]
    [TestCase(429, "application/json", "\"slow down\"", null, null)]
    [TestCase(429, "application/json", "", "1", "429 whose application/json body is empty")]
    [TestCase(429, "application/json", "slow down", "1", "429 whose application/json body is not JSON")]
    [TestCase(429, null, "", "1", "429 with no Content-Type")]
    [TestCase(500, "text/plain", "", null, null)]
    public void RefusalShape_FollowsTheStatusCodePage(int status, string? mediaType, string body, string? retryAfter, string? problem)
    {
        var found = ContractCheckingHandler.RefusalProblem(status, mediaType, body, retryAfter is not null);
        Assert.That(found, problem is null ? Is.Null : Does.StartWith(problem));
    }

    [Test]
    public async Task Burst_IsNeverRetried_StopsAtTheFirstRefusal_AndRecordsOnlyTheFirstAndTheRefusal()
    {
        var calls = 0;
        var (server, target) = await Start(next => async context =>
        {
            Interlocked.Increment(ref calls);
            await next(context);
        }, new HarnessSettings { MaxRetries = 5 });
        await using var _ = server;
        using var __ = target;
        ScenarioState.Begin();
        var permission = target.Profile.RateLimits!;
        var burst = await target.Burst(permission.User, permission.Burst);
        var exchanges = ScenarioState.Current!.Exchanges;
        Assert.Multiple(() =>
        {
            // The burst sends waves of 8 at once, so which request of the third wave arrives 21st is up to the scheduler.
            Assert.That(burst.RefusedAt, Is.InRange(17, 24), "the first refusal comes in the wave that holds dave's 21st request");
            Assert.That(burst.Statuses.Count(s => s == 204), Is.EqualTo(20), "exactly dave's limit of 20 requests went through");
            Assert.That(burst.FirstRefusal?.Status, Is.EqualTo((HttpStatusCode)429));
            Assert.That(burst.Statuses, Has.Count.InRange(21, 28), "the burst stops after the wave of the first refusal");
            Assert.That(calls, Is.EqualTo(burst.Statuses.Count), "no request was retried");
            Assert.That(exchanges.Select(e => e.Status), Is.EqualTo(new int?[] { 204, 429 }));
            Assert.That(exchanges.Select(e => e.Caller), Has.All.EqualTo("dave"));
            Assert.That(server.SessionCount, Is.Zero, "nothing was created");
        });
    }

    [TestCase(new[] { 204, 204, 429 }, 3)]
    [TestCase(new[] { 204, 500, 429 }, 2)]
    [TestCase(new[] { 404, 404, 404 }, null)]
    [TestCase(new[] { 503 }, 1)]
    public void BurstRefusal_IsA429Or503_OrAnErrorTheFirstAnswerDidNotHave(int[] statuses, int? refusedAt) =>
        Assert.That(new BurstResult(statuses, null, TimeSpan.Zero).RefusedAt, Is.EqualTo(refusedAt));

    [Test]
    public async Task Cleanup_LeavesAsTheUnprivilegedUserToo()
    {
        await using var server = await ReferenceServer.StartAsync(new ReferenceOptions { SchemasDirectory = Repo.Schemas });
        using var target = Connect(server);
        ScenarioState.Begin();
        var session = target.NewSession();
        foreach (var who in new[] { target.Profile.Users[0], target.Profile.Unprivileged! })
        {
            await target.Put(who, session, "{\"members\":{\"me\":{\"constants\":{\"system\":{\"xuid\":\"" + who.Xuid + "\"}}}}}");
        }
        var problems = await target.CleanUpAsync();
        Assert.Multiple(() =>
        {
            Assert.That(problems, Is.Empty);
            Assert.That(server.SessionCount, Is.Zero, "the unprivileged member left too, so the session is gone");
        });
    }

    [Test]
    public async Task NonsenseJson_IsAFinding_NotACrash()
    {
        using var misbehaving = WireMockDoubles.Start(WireMockDoubles.JsonBody("""{"constants": 5, "members": {"x": {}}}"""));
        using var target = misbehaving.Connect(Ample);
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
