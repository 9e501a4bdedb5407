using System.Text.Json.Nodes;
using MpsdConformance.Cli;
using MpsdConformance.Reference;

namespace MpsdConformance.SelfTests.Cli;

[Parallelizable(ParallelScope.None)]
public class CertifyCommandTests
{
    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        Environment.SetEnvironmentVariable("MPSD_REPO_ROOT", Repo.Root);
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CommandLine.RunAsync(["certify", .. args], Stream.Null, output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static string Temp(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), "mpsd-certify-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        return path;
    }

    [Test]
    public async Task BadProfile_Exits2_NamingTheField()
    {
        var (code, _, error) = await Run("--profile", Temp("""{"baseUrl":"http://127.0.0.1:1","scid":"x"}"""));
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(2));
            Assert.That(error, Does.Contain("scid: 'x' is not a GUID"));
        });
    }

    [Test]
    public async Task UnreachableTarget_Exits2_WithoutLeakingTheToken()
    {
        int port;
        await using (var server = await ReferenceServer.StartAsync(new ReferenceOptions { SchemasDirectory = Repo.Schemas }))
        {
            port = server.BaseUrl.Port;
        }
        var profile = Temp($$$"""
            {"baseUrl":"http://127.0.0.1:{{{port}}}","scid":"8e9a0f52-6e6b-4c1a-9d2e-1b7c3f0a5d11","templates":{"open":"quick"},
             "users":[{"name":"a","xuid":"1","headers":{"Authorization":"XBL3.0 x=1;very-secret-canary"}},
                      {"name":"b","xuid":"2","headers":{"Authorization":"XBL3.0 x=2;t2-secret-value"}},
                      {"name":"c","xuid":"3","headers":{"Authorization":"XBL3.0 x=3;t3-secret-value"}}]}
            """);
        var (code, output, error) = await Run("--profile", profile);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(2));
            Assert.That(error, Does.Contain("target unreachable"));
            Assert.That(output + error, Does.Not.Contain("very-secret-canary"));
        });
    }

    [TestCase("NO-SUCH-*", "matches no requirement")]
    [TestCase("--bogus", "unknown option")]
    public async Task BadOptions_Exit2(string value, string message)
    {
        var (code, _, error) = value.StartsWith("--", StringComparison.Ordinal) ? await Run(value) : await Run("--filter", value);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(2));
            Assert.That(error, Does.Contain(message));
        });
    }

    [Test]
    public async Task Filter_RunsOnlyTheSelectedRequirements_OnTheEmbeddedReference()
    {
        var outDir = Path.Combine(Path.GetTempPath(), "mpsd-certify-out-" + Guid.NewGuid().ToString("N"));
        var (code, output, _) = await Run("--filter", "concurrency,GET-*", "--out", outDir);
        var verdicts = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "verdicts.json")))!["requirements"]!.AsArray();
        var run = verdicts.Where(r => (string?)r!["verdict"] != "not-run").Select(r => (string)r!["id"]!).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero, output);
            Assert.That(run, Is.Not.Empty);
            Assert.That(run, Has.All.Matches<string>(id => id.StartsWith("GET-", StringComparison.Ordinal) || id is "ETAG-PRESENT" or "ETAG-CHANGES" or "IFMATCH-STALE-412"
                or "IFMATCH-STAR-MISSING-412" or "IFNONEMATCH-STAR-CREATE-ONLY" or "CONCURRENCY-ONE-WINNER" or "CHANGENUMBER-INCREMENT"));
            Assert.That(output, Does.Contain("level: fully conformant"));
        });
        Directory.Delete(outDir, true);
    }
}
