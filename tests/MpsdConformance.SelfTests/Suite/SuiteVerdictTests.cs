using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using MpsdConformance.Cli;
using MpsdConformance.Reference;

namespace MpsdConformance.SelfTests.Suite;

/// <summary>
/// The suite is only worth its verdicts: run end to end through 'mpsd certify' against test doubles of the
/// reference server, it must fail a broken target through the requirement that is broken, and must pass a
/// target that chose another documented reading.
/// </summary>
[Parallelizable(ParallelScope.None)]
public class SuiteVerdictTests
{
    // Interceptors of the reference server, not canned WireMock.Net answers: each changes one thing about a real
    // target's answers while a whole certify run creates, joins and rewrites sessions on it.
    public sealed record Double(string Name, Func<RequestDelegate, RequestDelegate> Interceptor)
    {
        public override string ToString() => Name;
    }

    private static Func<RequestDelegate, RequestDelegate> OnResponse(Action<HttpContext> change) => next => async context =>
    {
        context.Response.OnStarting(() =>
        {
            change(context);
            return Task.CompletedTask;
        });
        await next(context);
    };

    private static Func<RequestDelegate, RequestDelegate> RewriteBody(Func<HttpContext, string, string?> rewrite) => next => async context =>
    {
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        await next(context);
        context.Response.Body = original;
        var text = Encoding.UTF8.GetString(buffer.ToArray());
        var changed = rewrite(context, text) ?? text;
        var bytes = Encoding.UTF8.GetBytes(changed);
        if (context.Response.StatusCode != 204 && context.Response.StatusCode != 304)
        {
            context.Response.ContentLength = bytes.Length;
            await original.WriteAsync(bytes);
        }
    };

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static Func<RequestDelegate, RequestDelegate> OnRequest(Action<HttpContext> change) => next => context =>
    {
        change(context);
        return next(context);
    };

    // A double that edits every PUT body before the reference server sees it: how a target taking another reading
    // of a body rule behaves (it drops or removes what the reference refuses).
    private static Func<RequestDelegate, RequestDelegate> EditPutBody(Action<string, JsonObject> edit) => next => async context =>
    {
        if (HttpMethods.IsPut(context.Request.Method))
        {
            using var reader = new StreamReader(context.Request.Body);
            var text = await reader.ReadToEndAsync();
            if (TryParse(text) is JsonObject body)
            {
                edit(context.Request.Path.Value!, body);
                text = body.ToJsonString();
            }
            context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(text));
            context.Request.ContentLength = null;
        }
        await next(context);
    };

    // The system bag of a PUT body: body.system on .../properties, body.properties.system on the session.
    private static JsonObject? SystemBag(string path, JsonObject body) =>
        path.EndsWith("/properties", StringComparison.OrdinalIgnoreCase) ? body["system"] as JsonObject
        : body["properties"] is JsonObject properties ? properties["system"] as JsonObject : null;

    private static IEnumerable<JsonObject> MemberSystemBags(JsonObject body) =>
        (body["members"] as JsonObject ?? []).Select(m => (m.Value as JsonObject)?["properties"] is JsonObject properties ? properties["system"] : null).OfType<JsonObject>();

    public static IEnumerable<TestCaseData> BrokenTargets()
    {
        yield return new TestCaseData(new Double("no ETag header", OnResponse(c => c.Response.Headers.Remove("ETag"))), new[] { "ETAG-PRESENT=fail" });
        yield return new TestCaseData(new Double("create answers 200", OnResponse(c =>
        {
            if (c.Response.StatusCode == 201)
            {
                c.Response.StatusCode = 200;
            }
        })), new[] { "PUT-CREATE-201=fail" });
        yield return new TestCaseData(new Double("If-Match ignored", OnRequest(c => c.Request.Headers.Remove("If-Match"))), new[] { "IFMATCH-STALE-412=fail", "CONCURRENCY-ONE-WINNER=fail" });
        yield return new TestCaseData(new Double("xuid written as a hexadecimal string", RewriteBody((_, body) =>
            Regex.Replace(body, "\"xuid\":\"([0-9]+)\"", m => $"\"xuid\":\"0x{ulong.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture):X}\""))),
            new[] { "RESP-XUID-STRING=fail" });
        yield return new TestCaseData(new Double("prohibited top-level member ignored", next => async context =>
        {
            if (HttpMethods.IsPut(context.Request.Method) && !context.Request.Path.Value!.EndsWith("/properties", StringComparison.OrdinalIgnoreCase))
            {
                using var reader = new StreamReader(context.Request.Body);
                var text = await reader.ReadToEndAsync();
                if (TryParse(text) is JsonObject body)
                {
                    foreach (var key in body.Select(p => p.Key).Where(k => k is not ("constants" or "properties" or "members" or "servers")).ToList())
                    {
                        body.Remove(key);
                    }
                    text = body.ToJsonString();
                }
                context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(text));
                context.Request.ContentLength = null;
            }
            await next(context);
        }), new[] { "BODY-TOPLEVEL-ALLOWED=fail", "PUT-PROHIBITED-400=warn" });
        yield return new TestCaseData(new Double("the rate limit is answered 503 without Retry-After", RateLimitAnswered(503, retryAfter: false)), new[] { "RATE-429-503=fail" });
        yield return new TestCaseData(new Double("the rate limit is answered 500", RateLimitAnswered(500, retryAfter: true)), new[] { "RATE-429-503=fail" });
        yield return new TestCaseData(new Double("a null joinRestriction is accepted but stored as followed", EditPutBody((path, body) =>
        {
            if (SystemBag(path, body) is { } bag && bag.TryGetPropertyValue("joinRestriction", out var value) && value is null)
            {
                bag["joinRestriction"] = "followed";
            }
        })), new[] { "PROPS-RESTRICTION-VALUES=fail" });
    }

    // A double that answers the reference server's rate limit (the built-in user dave's) otherwise: status, headers, body.
    private static Func<RequestDelegate, RequestDelegate> RateLimitAnswered(int status, bool retryAfter) => RewriteBody((c, _) =>
    {
        if (c.Response.StatusCode != 429)
        {
            return null;
        }
        c.Response.StatusCode = status;
        if (!retryAfter)
        {
            c.Response.Headers.Remove("Retry-After");
        }
        c.Response.ContentType = "text/plain; charset=utf-8";
        return "the service is busy";
    });

    public static IEnumerable<TestCaseData> ConformantTargets()
    {
        yield return new TestCaseData(new Double("the rate limit is answered 503 with Retry-After (overload)", RateLimitAnswered(503, retryAfter: true)), "RATE-429-503", null);
        yield return new TestCaseData(new Double("GET of a missing session answers 404 (the FAQ's reading)", RewriteBody((c, body) =>
        {
            if (HttpMethods.IsGet(c.Request.Method) && c.Response.StatusCode == 204)
            {
                c.Response.StatusCode = 404;
                c.Response.ContentType = "text/plain; charset=utf-8";
                return "the requested session wasn't found";
            }
            return null;
        })), "GET-MISSING", "404");
        yield return new TestCaseData(new Double("a full session answers 409", RewriteBody((c, body) =>
        {
            if (c.Response.StatusCode == 403 && body.Contains("full", StringComparison.Ordinal))
            {
                c.Response.StatusCode = 409;
            }
            return null;
        })), "SESSION-FULL", "409");
        yield return new TestCaseData(new Double("the contract-version header is not enforced", OnRequest(c =>
        {
            if (!c.Request.Headers.ContainsKey("X-Xbl-Contract-Version"))
            {
                c.Request.Headers["X-Xbl-Contract-Version"] = "107";
            }
        })), "HDR-CONTRACT-VERSION", "200-ignored");
        yield return new TestCaseData(new Double("a null joinRestriction or readRestriction removes the field", EditPutBody((path, body) =>
        {
            foreach (var key in new[] { "joinRestriction", "readRestriction" })
            {
                if (SystemBag(path, body) is { } bag && bag.TryGetPropertyValue(key, out var value) && value is null)
                {
                    bag.Remove(key);
                }
            }
        })), "PROPS-RESTRICTION-VALUES", "null-removes");
        yield return new TestCaseData(new Double("a host that is not a string is dropped like any unmatched host", EditPutBody((path, body) =>
        {
            if (SystemBag(path, body) is { } bag && bag.TryGetPropertyValue("host", out var host) && host?.GetValueKind() != System.Text.Json.JsonValueKind.String)
            {
                bag.Remove("host");
            }
        })), "PROPS-HOST-MUST-MATCH", "non-string-dropped");
        yield return new TestCaseData(new Double("only initializationGroup is known, and unknown member keys are ignored", EditPutBody((_, body) =>
        {
            foreach (var bag in MemberSystemBags(body))
            {
                bag.Remove("group");
            }
        })), "MEMBER-INIT-GROUP-INTS", "initialization-group");
        yield return new TestCaseData(new Double("only the subscriptions map is known, and unknown member keys are ignored", EditPutBody((_, body) =>
        {
            foreach (var bag in MemberSystemBags(body))
            {
                bag.Remove("subscription");
            }
        })), "MEMBER-SUBSCRIPTIONS-SHAPE", "subscriptions-map");
        yield return new TestCaseData(new Double("PUT .../properties answers the property bag alone", RewriteBody((c, body) =>
            HttpMethods.IsPut(c.Request.Method) && c.Request.Path.Value!.EndsWith("/properties", StringComparison.OrdinalIgnoreCase)
                && c.Response.StatusCode == 200 && TryParse(body)?["properties"] is JsonObject bag
                ? bag.ToJsonString()
                : null)), "PROPSRES-STATUS", "200-properties");
        yield return new TestCaseData(new Double("ETags are bare tokens, not quoted", OnResponse(c =>
        {
            if (c.Response.Headers.ETag.ToString() is { Length: > 2 } tag)
            {
                c.Response.Headers.ETag = tag.Trim('"');
            }
        })), "ETAG-PRESENT", null);
    }

    private static async Task<(int Exit, JsonObject Verdicts, string Output)> Certify(Double target)
    {
        await using var server = await ReferenceServer.StartAsync(new ReferenceOptions { SchemasDirectory = Repo.Schemas, Interceptor = target.Interceptor });
        var work = Path.Combine(Path.GetTempPath(), "mpsd-suite-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        var profile = Path.Combine(work, "profile.json");
        await File.WriteAllTextAsync(profile, server.TargetProfileJson());
        var output = new StringWriter();
        var error = new StringWriter();
        Environment.SetEnvironmentVariable("MPSD_REPO_ROOT", Repo.Root);
        var exit = await CommandLine.RunAsync(["certify", "--profile", profile, "--out", Path.Combine(work, "out")], Stream.Null, output, error);
        File.Delete(profile);
        var verdictsPath = Path.Combine(work, "out", "verdicts.json");
        Assert.That(File.Exists(verdictsPath), Is.True, $"certify wrote no verdicts (exit {exit}):\n{output}\n{error}");
        var verdicts = JsonNode.Parse(await File.ReadAllTextAsync(verdictsPath))!.AsObject();
        var all = output + error.ToString();
        foreach (var secret in server.Config.Identities.Select(i => i.Token))
        {
            foreach (var file in Directory.EnumerateFiles(work, "*", SearchOption.AllDirectories))
            {
                Assert.That(await File.ReadAllTextAsync(file), Does.Not.Contain(secret), $"{Path.GetFileName(file)} leaks a token");
            }
            Assert.That(all, Does.Not.Contain(secret), "the console leaks a token");
        }
        Directory.Delete(work, recursive: true);
        return (exit, verdicts, all);
    }

    private static string VerdictOf(JsonObject verdicts, string id) =>
        (string)verdicts["requirements"]!.AsArray().Single(r => (string?)r!["id"] == id)!["verdict"]!;

    [TestCaseSource(nameof(BrokenTargets))]
    public async Task BrokenTarget_FailsThroughTheBrokenRequirement(Double target, string[] expectations)
    {
        var (exit, verdicts, output) = await Certify(target);
        Assert.Multiple(() =>
        {
            foreach (var expectation in expectations)
            {
                var (id, expected) = (expectation.Split('=')[0], expectation.Split('=')[1]);
                Assert.That(VerdictOf(verdicts, id), Is.EqualTo(expected), $"{id}\n{output}");
            }
            Assert.That(exit, Is.EqualTo(1), "exit code 1: a MUST fails");
            Assert.That((string?)verdicts["level"], Is.EqualTo("non-conformant"));
        });
    }

    [TestCaseSource(nameof(ConformantTargets))]
    public async Task TargetChoosingAnotherDocumentedReading_Passes(Double target, string requirement, string? reading)
    {
        var (exit, verdicts, output) = await Certify(target);
        var broken = verdicts["requirements"]!.AsArray().Where(r => (string?)r!["verdict"] is "fail" or "warn").Select(r => (string?)r!["id"]);
        var chosen = verdicts["requirements"]!.AsArray().Single(r => (string?)r!["id"] == requirement)!["readings"]!.AsArray().Select(x => (string?)x);
        Assert.Multiple(() =>
        {
            Assert.That(broken, Is.Empty, output);
            Assert.That(exit, Is.Zero);
            if (reading is not null)
            {
                Assert.That(chosen, Does.Contain(reading), "the reading the target chose is recorded");
            }
        });
    }
}
