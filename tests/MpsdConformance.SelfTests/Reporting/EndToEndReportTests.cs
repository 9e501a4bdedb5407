using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;
using MpsdConformance.Cli;
using MpsdConformance.Reference;

namespace MpsdConformance.SelfTests.Reporting;

/// <summary>
/// A real certification of a broken test double (it drops the ETag and echoes the caller's token back),
/// then its reports: opened in Debian's Chromium through Playwright, rendered by Allure, and scanned for
/// secrets.
/// </summary>
[NonParallelizable]
public class EndToEndReportTests
{
    private static string _out = null!;
    private static string _canary = null!;
    private static string[] _tokens = null!;
    private static int _exit;
    private static string _console = null!;

    [OneTimeSetUp]
    public async Task CertifyABrokenTarget()
    {
        await using var server = await ReferenceServer.StartAsync(new ReferenceOptions
        {
            SchemasDirectory = Repo.Schemas,
            Interceptor = next => async context =>
            {
                var authorization = context.Request.Headers.Authorization.ToString();
                context.Response.OnStarting(() =>
                {
                    context.Response.Headers.Remove("ETag");
                    context.Response.Headers["X-Echo-Authorization"] = authorization;
                    context.Response.Headers["X-Echo-Base64"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(authorization));
                    return Task.CompletedTask;
                });
                await next(context);
            },
        });
        _canary = server.Config.Identities[0].Token;
        _tokens = [.. server.Config.Identities.Select(i => i.Token)];
        var work = Path.Combine(Path.GetTempPath(), "mpsd-e2e-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        var profile = Path.Combine(work, "profile.json");
        await File.WriteAllTextAsync(profile, server.TargetProfileJson());
        _out = Path.Combine(work, "out");
        Environment.SetEnvironmentVariable("MPSD_REPO_ROOT", Repo.Root);
        var output = new StringWriter();
        var error = new StringWriter();
        _exit = await CommandLine.RunAsync(["certify", "--profile", profile, "--out", _out], Stream.Null, output, error);
        _console = output + error.ToString();
        File.Delete(profile);
    }

    private static JsonObject Verdicts => JsonNode.Parse(File.ReadAllText(Path.Combine(_out, "verdicts.json")))!.AsObject();

    [Test]
    public void Certify_FailsTheBrokenTarget_AndWritesEveryReport()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_exit, Is.EqualTo(1), _console);
            Assert.That((string?)Verdicts["level"], Is.EqualTo("non-conformant"));
            foreach (var file in new[] { "verdicts.json", "compliance.html", "junit.xml", "scenario-results.json", "run.log" })
            {
                Assert.That(File.Exists(Path.Combine(_out, file)), Is.True, file);
            }
            Assert.That(Directory.EnumerateFiles(Path.Combine(_out, "allure-results"), "*-result.json").Count(), Is.GreaterThan(50));
        });
    }

    [Test]
    public void NoFileTheRunWrote_NorTheConsole_HoldsTheToken_EvenThoughTheTargetEchoedIt()
    {
        var scenarioResults = File.ReadAllText(Path.Combine(_out, "scenario-results.json"));
        Assert.Multiple(() =>
        {
            Assert.That(scenarioResults, Does.Contain("X-Echo-Authorization"), "the echo was recorded (redacted)");
            Assert.That(MpsdConformance.Reporting.LeakScanner.Scan(_out, [_canary]), Is.Empty);
            Assert.That(_console, Does.Not.Contain(_canary));
        });
    }

    [Test]
    public void NoIdentitysToken_LeaksEither_TheUnprivilegedUsersAndTheBurstUsersIncluded()
    {
        var scenarioResults = JsonNode.Parse(File.ReadAllText(Path.Combine(_out, "scenario-results.json")))!;
        var callers = scenarioResults["results"]!.AsArray().SelectMany(r => r!["exchanges"]!.AsArray()).Select(e => (string?)e!["caller"]).ToHashSet();
        Assert.Multiple(() =>
        {
            Assert.That(callers, Does.Contain("erin").And.Contain("dave"), "the opt-in roles' users sent requests the target echoed");
            Assert.That(_tokens, Has.Length.EqualTo(6));
            Assert.That(MpsdConformance.Reporting.LeakScanner.Scan(_out, _tokens), Is.Empty);
            Assert.That(_tokens.Where(_console.Contains), Is.Empty);
        });
    }

    [Test]
    public async Task PlantedCanary_FailsTheRunWithExit2_NamingTheFile_NotTheSecret()
    {
        await using var server = await ReferenceServer.StartAsync(new ReferenceOptions { SchemasDirectory = Repo.Schemas });
        var work = Path.Combine(Path.GetTempPath(), "mpsd-canary-" + Guid.NewGuid().ToString("N"));
        var outDir = Path.Combine(work, "out");
        Directory.CreateDirectory(outDir);
        var token = server.Config.Identities[1].Token;
        await File.WriteAllTextAsync(Path.Combine(outDir, "planted.txt"), "leaked: " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"XBL3.0 x=1002;{token}")));
        var profile = Path.Combine(work, "profile.json");
        await File.WriteAllTextAsync(profile, server.TargetProfileJson());
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CommandLine.RunAsync(["certify", "--profile", profile, "--out", outDir, "--filter", "GET-200"], Stream.Null, output, error);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(error.ToString(), Does.Contain("planted.txt"));
            Assert.That(output + error.ToString(), Does.Not.Contain(token));
        });
        Directory.Delete(work, true);
    }

    [Test]
    public async Task ComplianceReport_InChromium_ShowsTheBadgeAndCounts_FiltersAndExpandsAFailure()
    {
        var chromium = Environment.GetEnvironmentVariable("MPSD_CHROMIUM") ?? "/usr/bin/chromium";
        if (!File.Exists(chromium))
        {
            Assert.Fail($"Debian's Chromium is missing ({chromium}): apt-get install chromium (./test.sh installs it when run as root)");
        }
        var verdicts = Verdicts;
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1300, Height = 1000 } });
        await page.GotoAsync(new Uri(Path.Combine(_out, "compliance.html")).AbsoluteUri);
        var badge = await page.TextContentAsync("#level-badge");
        var counts = new Dictionary<string, int>();
        foreach (var verdict in new[] { "pass", "fail", "warn", "not-applicable", "inconclusive", "not-run" })
        {
            counts[verdict] = int.Parse((await page.TextContentAsync($"#count-{verdict}"))!, System.Globalization.CultureInfo.InvariantCulture);
        }
        await page.CheckAsync("#filter-failed");
        var shownRows = page.Locator("tr.requirement:visible");
        var shown = await shownRows.CountAsync();
        var shownVerdicts = await shownRows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.getAttribute('data-verdict'))");
        var failure = page.Locator("tr#requirement-ETAG-PRESENT details.failure");
        await failure.Locator("summary").ClickAsync();
        var exchange = failure.Locator("pre.exchange").First;
        var exchangeVisible = await exchange.IsVisibleAsync();
        var exchangeText = await exchange.TextContentAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(_out, "compliance.png"), FullPage = false });
        await page.SelectOptionAsync("#filter-level", "SHOULD");
        var shouldOnly = await page.Locator("tr.requirement:visible").EvaluateAllAsync<string[]>("rows => rows.map(r => r.getAttribute('data-level'))");
        Assert.Multiple(() =>
        {
            Assert.That(badge, Is.EqualTo((string?)verdicts["level"]));
            foreach (var (verdict, count) in counts)
            {
                Assert.That(count, Is.EqualTo((int)verdicts["counts"]![verdict]!), $"count of {verdict}");
            }
            Assert.That(shown, Is.EqualTo(counts["fail"] + counts["warn"]).And.GreaterThan(0));
            Assert.That(shownVerdicts, Has.All.Matches<string>(v => v is "fail" or "warn"));
            Assert.That(exchangeVisible, Is.True, "the failure expands to its exchange");
            Assert.That(exchangeText, Does.Contain("→ ").And.Contain("← ").And.Not.Contain(_canary));
            Assert.That(shouldOnly, Has.All.EqualTo("SHOULD"));
            Assert.That(File.Exists(Path.Combine(_out, "compliance.png")), Is.True);
        });
        TestContext.AddTestAttachment(Path.Combine(_out, "compliance.png"), "the compliance report in Chromium");
    }

    [Test]
    public async Task AllureReport_Renders_WithEveryScenario()
    {
        if (!File.Exists(Path.Combine(Repo.Root, "node_modules", ".bin", "allure")))
        {
            Assert.Fail("Allure 3 is not installed: run 'npm ci' at the repository root (./test.sh does)");
        }
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await CommandLine.RunAsync(["report", "--allure", _out], Stream.Null, output, error);
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(_out, "allure-report", "summary.json")))!;
        var scenarios = JsonNode.Parse(File.ReadAllText(Path.Combine(_out, "scenario-results.json")))!["results"]!.AsArray().Count;
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, error.ToString());
            Assert.That(File.Exists(Path.Combine(_out, "allure-report", "index.html")), Is.True);
            Assert.That((int)summary["stats"]!["total"]!, Is.EqualTo(scenarios));
            Assert.That((int?)summary["stats"]!["failed"], Is.GreaterThan(0));
        });
    }
}
