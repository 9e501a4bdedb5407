using System.Text.Json.Nodes;
using MpsdConformance.Cli;
using MpsdConformance.Reference;

namespace MpsdConformance.SelfTests.Stub;

/// <summary>No secret of a profile reaches the recorded mappings, and the leak scan that ends a run covers them.</summary>
[NonParallelizable]
public class RecordingSecretsTests
{
    [Test]
    public async Task RecordingATargetWithTokens_WritesNoneOfThem_AndTheLeakScanPasses()
    {
        var work = Directory.CreateTempSubdirectory("mpsd-recording-secrets-").FullName;
        await using var server = await ReferenceServer.StartAsync(new ReferenceOptions { SchemasDirectory = Repo.Schemas });
        var profileJson = server.TargetProfileJson();
        var profilePath = Path.Combine(work, "profile.json");
        await File.WriteAllTextAsync(profilePath, profileJson);
        var tokens = JsonNode.Parse(profileJson)!["users"]!.AsArray().Select(u => (string)u!["headers"]!["Authorization"]!)
            .Append((string)JsonNode.Parse(profileJson)!["server"]!["headers"]!["Authorization"]!)
            .Select(header => header[(header.IndexOf(';', StringComparison.Ordinal) + 1)..])
            .ToList();
        Assume.That(tokens, Has.All.Length.GreaterThan(8), "the reference server's tokens");

        Environment.SetEnvironmentVariable("MPSD_REPO_ROOT", Repo.Root);
        var output = new StringWriter();
        var error = new StringWriter();
        var mappingsRoot = Path.Combine(work, "stub");
        var code = await CommandLine.RunAsync(["certify", "--profile", profilePath, "--filter", "GET-*,HDR-*", "--out", Path.Combine(work, "run"), "--record-mappings", mappingsRoot],
            Stream.Null, output, error);
        var files = Directory.EnumerateFiles(Path.Combine(mappingsRoot, "mappings")).ToList();
        var text = string.Concat(files.Select(File.ReadAllText));
        var authorization = files.SelectMany(f => JsonNode.Parse(File.ReadAllText(f))!["mappings"]!.AsArray())
            .Select(m => m!["request"]!["headers"]!["Authorization"]!.ToJsonString(MappingWriter.Json).Replace("\n", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal))
            .ToList();
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero, $"{output}{error}");
            Assert.That(files, Is.Not.Empty);
            Assert.That(authorization, Has.All.Matches<string>(rule => rule is """{"matches":".+"}""" or """{"absent":true}"""), "identities are matched on presence (or absence) only");
            Assert.That(authorization, Does.Contain("""{"matches":".+"}"""));
            foreach (var token in tokens)
            {
                Assert.That(text, Does.Not.Contain(token), "a token of the profile");
            }
            Assert.That(CertifyCommand.Leaks(Path.Combine(work, "run"), Path.Combine(mappingsRoot, "mappings"), tokens), Is.Empty);
        });
        Directory.Delete(work, true);
    }

    [Test]
    public void BodiesThatAreNotText_AreRedactedByteForByte()
    {
        var redactor = new Redactor(["XBL3.0 x=1;canary-token-0042"]);
        byte[] body = [0xFF, 0xFE, .. System.Text.Encoding.UTF8.GetBytes("a canary-token-0042 b"), 0xC3];
        Assert.That(redactor.Redact(body), Is.EqualTo((byte[])[0xFF, 0xFE, .. System.Text.Encoding.UTF8.GetBytes("a *** b"), 0xC3]));
        var clean = System.Text.Encoding.UTF8.GetBytes("nothing secret");
        Assert.That(redactor.Redact(clean), Is.SameAs(clean));
    }

    [Test]
    public void LeakScan_CoversTheMappingsFolder()
    {
        var work = Directory.CreateTempSubdirectory("mpsd-leak-").FullName;
        var run = Directory.CreateDirectory(Path.Combine(work, "run")).FullName;
        File.WriteAllText(Path.Combine(run, "verdicts.json"), "{}");
        var mappings = Directory.CreateDirectory(Path.Combine(work, "stub", "mappings")).FullName;
        File.WriteAllText(Path.Combine(mappings, "Clean.json"), """{"mappings":[]}""");
        File.WriteAllText(Path.Combine(mappings, "Leaky.json"), """{"mappings":[{"request":{"headers":{"Authorization":{"equalTo":"XBL3.0 x=1;canary-token-5150"}}}}]}""");
        var leaks = CertifyCommand.Leaks(run, mappings, ["XBL3.0 x=1;canary-token-5150"]);
        Assert.That(leaks, Has.Count.EqualTo(1));
        Assert.That(leaks[0], Does.EndWith(Path.Combine("stub", "mappings", "Leaky.json")));
        Directory.Delete(work, true);
    }
}
