using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using MpsdConformance.Reference;

namespace MpsdConformance.SelfTests.Reference;

/// <summary>mpsd serve as a user runs it, and the configuration loader's errors.</summary>
public class ReferenceHostingTests
{
    [Test]
    public async Task Serve_PrintsItsUrlAndProfile_ServesRequests_AndStopsCleanlyOnSigterm()
    {
        var profilePath = Path.Combine(Path.GetTempPath(), "mpsd-profile-" + Guid.NewGuid().ToString("N") + ".json");
        var cli = Path.Combine(TestContext.CurrentContext.TestDirectory, "mpsd-conformance.dll");
        using var process = Process.Start(new ProcessStartInfo("dotnet", [cli, "serve", "--port", "0", "--profile-out", profilePath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["MPSD_SCHEMAS_DIR"] = Repo.Schemas },
        })!;
        try
        {
            var first = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            var second = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(5));
            Assert.That(first, Does.Match(@"^MPSD reference server listening on http://127\.0\.0\.1:\d+$"));
            Assert.That(second, Is.EqualTo($"target profile: {profilePath}"));
            var profile = JsonNode.Parse(File.ReadAllText(profilePath))!;
            var user = profile["users"]![0]!;
            using var http = new HttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{profile["baseUrl"]}/serviceconfigs/{profile["scid"]}/sessiontemplates/quick/sessions/nobody-here");
            request.Headers.TryAddWithoutValidation("Authorization", (string)user["headers"]!["Authorization"]!);
            request.Headers.TryAddWithoutValidation("X-Xbl-Contract-Version", "107");
            using var response = await http.SendAsync(request);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            if (!OperatingSystem.IsWindows())
            {
                Assert.That(File.GetUnixFileMode(profilePath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite), "the profile holds tokens");
            }

            Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            Assert.That(process.WaitForExit(15_000), Is.True, "serve did not stop on SIGTERM");
            var rest = await process.StandardOutput.ReadToEndAsync();
            Assert.Multiple(() =>
            {
                Assert.That(process.ExitCode, Is.Zero);
                Assert.That(rest, Does.Contain("stopped"));
            });
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            File.Delete(profilePath);
        }
    }

    [Test]
    public async Task Serve_OnATakenPort_Exits2_WithAClearMessage()
    {
        await using var running = await ReferenceServer.StartAsync(new ReferenceOptions { SchemasDirectory = Repo.Schemas });
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await MpsdConformance.Cli.CommandLine.RunAsync(["serve", "--port", running.BaseUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)], Stream.Null, output, error);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(2));
            Assert.That(error.ToString(), Does.Contain("cannot listen on 127.0.0.1:").And.Contain("--port 0"));
        });
    }

    [TestCase("""{"scids":{}}""", "scids is empty")]
    [TestCase("""{"scids":{"not-a-guid":{"t":{}}},"identities":[]}""", "scids.not-a-guid: a scid is a GUID")]
    [TestCase("""{"scids":{"8e9a0f52-6e6b-4c1a-9d2e-1b7c3f0a5d11":{"t":{}}},"identities":[{"name":"a","xuid":"1","userHash":"1"}]}""", "userHash and token are required")]
    [TestCase("""{"scids":{"8e9a0f52-6e6b-4c1a-9d2e-1b7c3f0a5d11":{"t":{}}},"identities":[{"name":"a","xuid":"x1","userHash":"1","token":"t"}]}""", "xuid written as a decimal string")]
    [TestCase("""{"scids":{"8e9a0f52-6e6b-4c1a-9d2e-1b7c3f0a5d11":{"t":{}}},"identities":[{"name":"a","xuid":"1","userHash":"1","token":"t"}],"limits":{"maxSessions":0}}""", "maxSessions >= 1")]
    [TestCase("""{"scidz":{}}""", "not a valid configuration")]
    [TestCase("""not json""", "not a valid configuration")]
    public void ConfigLoader_NamesTheFieldAndTheFix(string json, string message)
    {
        var path = Path.Combine(Path.GetTempPath(), "mpsd-config-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        var ex = Assert.Throws<ReferenceConfigException>(() => ReferenceConfig.Load(path));
        Assert.That(ex!.Message, Does.Contain(message));
    }

    [Test]
    public async Task ConfigFile_IsServed_CaseInsensitively()
    {
        var path = Path.Combine(Path.GetTempPath(), "mpsd-config-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, """
            {"scids":{"8E9A0F52-6E6B-4C1A-9D2E-1B7C3F0A5D11":{"Lobby":{"constants":{"system":{"visibility":"open","maxMembersCount":4}}}}},
             "identities":[{"name":"zed","xuid":"42","userHash":"7","token":"tok-zed"}]}
            """);
        await using var server = await ReferenceServer.StartAsync(new ReferenceOptions { Config = ReferenceConfig.Load(path), SchemasDirectory = Repo.Schemas });
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{server.BaseUrl}serviceconfigs/8e9a0f52-6e6b-4c1a-9d2e-1b7c3f0a5d11/sessiontemplates/lobby/sessions/x")
        {
            Content = new StringContent("""{"members":{"me":{}}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "XBL3.0 x=7;tok-zed");
        request.Headers.TryAddWithoutValidation("X-Xbl-Contract-Version", "107");
        using var response = await http.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }
}
