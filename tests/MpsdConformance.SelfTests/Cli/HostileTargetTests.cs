using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using MpsdConformance.Cli;
using MpsdConformance.Contract;

namespace MpsdConformance.SelfTests.Cli;

/// <summary>
/// <c>mpsd certify</c> against targets that answer GETs (so the probe passes) and then misbehave on every PUT: the
/// run always ends, soon after the target stalls (a small multiple of the 1 s request timeout; the test timeout
/// bounds it at 60 s), with the documented exit code, every report file written and parsable, and the reason.
/// </summary>
[NonParallelizable]
public class HostileTargetTests
{
    private static readonly Dictionary<string, string> Settings = new()
    {
        ["MPSD_REQUEST_TIMEOUT_SECONDS"] = "1",
        ["MPSD_MAX_RETRIES"] = "0",
        ["MPSD_STALL_AFTER"] = "3",
        ["MPSD_MAX_ANSWER_BYTES"] = "65536",
    };

    [TestCase(HostilePut.NeverAnswers, "no answer within 1 s")]
    [TestCase(HostilePut.RandomBytes, "")]
    [TestCase(HostilePut.SlowHeaders, "no answer within 1 s")]
    [TestCase(HostilePut.ResetDuringHeaders, "")]
    [CancelAfter(60_000)]
    public async Task StalledTarget_EndsTheRun_WithAPartialReport(HostilePut behaviour, string why)
    {
        using var target = HostileDouble.Start(behaviour);
        var (code, output, error, outDir) = await Certify(target, Settings);

        var verdicts = ReadReport(outDir, output, error);
        var stopReason = (string?)verdicts["stopReason"];
        Assert.Multiple(() =>
        {
            Assert.That(stopReason, Does.StartWith("the target stopped answering after 3 timeouts or connection failures in a row"));
            Assert.That(stopReason, Does.Contain(why));
            Assert.That(code, Is.EqualTo((string?)verdicts["level"] == "non-conformant" ? ExitCodes.Failed : ExitCodes.Usage), output + error);
            Assert.That(output, Does.Contain("partial run: the target stopped answering"));
            Assert.That(output + error, Does.Not.Contain(target.Token));
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task EndlessBody_FailsEachScenario_WithoutStoppingTheRun()
    {
        // An answer over the cap is an answer: the scenarios fail on it (a MUST broken, exit 1), the run goes on.
        // The cap is what is under test, not the clock: a 10 s request timeout keeps a loaded machine from stalling the run.
        using var target = HostileDouble.Start(HostilePut.EndlessJsonBody);
        var (code, output, error, outDir) = await Certify(target, new(Settings) { ["MPSD_REQUEST_TIMEOUT_SECONDS"] = "10" });

        var verdicts = ReadReport(outDir, output, error, partial: false);
        Assert.Multiple(() =>
        {
            Assert.That((string?)verdicts["level"], Is.EqualTo("non-conformant"));
            Assert.That(code, Is.EqualTo(ExitCodes.Failed), output + error);
            Assert.That(File.ReadAllText(Path.Combine(outDir, "scenario-results.json")), Does.Contain("the answer exceeded 65536 bytes"));
            Assert.That(output + error, Does.Not.Contain(target.Token));
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Interrupt_StopsTheRun_AndWritesThePartialReport()
    {
        using var target = HostileDouble.Start(HostilePut.NeverAnswers);
        using var interrupt = new CancellationTokenSource(TimeSpan.FromSeconds(4));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (code, output, error, outDir) = await Certify(target, new() { ["MPSD_REQUEST_TIMEOUT_SECONDS"] = "60", ["MPSD_STALL_AFTER"] = "0" }, interrupt.Token);

        var verdicts = ReadReport(outDir, output, error);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ExitCodes.Interrupted), output + error);
            Assert.That((string?)verdicts["stopReason"], Is.EqualTo("the run was interrupted (Ctrl-C or SIGTERM)"));
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(40)), "the requests in flight (60 s timeout) were cancelled");
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task MaxDuration_StopsTheRun_AndWritesThePartialReport()
    {
        using var target = HostileDouble.Start(HostilePut.NeverAnswers);
        var (code, output, error, outDir) = await Certify(target, new() { ["MPSD_REQUEST_TIMEOUT_SECONDS"] = "60", ["MPSD_STALL_AFTER"] = "0" },
            extra: ["--max-duration", "4s"]);

        var verdicts = ReadReport(outDir, output, error);
        Assert.Multiple(() =>
        {
            Assert.That((string?)verdicts["stopReason"], Is.EqualTo("the run's deadline passed (--max-duration 4s)"));
            Assert.That(code, Is.EqualTo((string?)verdicts["level"] == "non-conformant" ? ExitCodes.Failed : ExitCodes.Usage), output + error);
        });
    }

    [TestCase("90s", 90)]
    [TestCase("10m", 600)]
    [TestCase("1h", 3600)]
    [TestCase("45", 45)]
    public void MaxDuration_Parses(string text, int seconds) =>
        Assert.That(CertifyOptions.ParseDuration(text), Is.EqualTo(TimeSpan.FromSeconds(seconds)));

    [TestCase("0")]
    [TestCase("-5s")]
    [TestCase("10 minutes")]
    public void MaxDuration_RefusesNonsense(string text) =>
        Assert.That(() => CertifyOptions.ParseDuration(text), Throws.TypeOf<UsageException>().With.Message.Contains("--max-duration"));

    /// <summary>Every report file is there and parses; returns verdicts.json, which says whether the run was partial.</summary>
    private static JsonNode ReadReport(string outDir, string output, string error, bool partial = true)
    {
        var files = new[] { "verdicts.json", "compliance.html", "junit.xml", "scenario-results.json", "run.log", "allure-results/environment.properties" };
        Assert.That(files.Where(f => !File.Exists(Path.Combine(outDir, f))), Is.Empty, output + error);
        var verdictsText = File.ReadAllText(Path.Combine(outDir, "verdicts.json"));
        var junit = XDocument.Load(Path.Combine(outDir, "junit.xml"));
        var verdicts = JsonNode.Parse(verdictsText)!;
        Assert.Multiple(() =>
        {
            Assert.That(SchemaFile.Load(Path.Combine(Repo.Schemas, "verdicts.schema.json")).Validate(verdictsText), Is.Empty);
            Assert.That(SchemaFile.Load(Path.Combine(Repo.Schemas, "scenario-results.schema.json")).Validate(File.ReadAllText(Path.Combine(outDir, "scenario-results.json"))), Is.Empty);
            Assert.That((bool?)verdicts["complete"], Is.EqualTo(!partial), $"stop reason: {(string?)verdicts["stopReason"]}");
            Assert.That(junit.Root!.Element("properties")?.Elements("property").Any(p => (string?)p.Attribute("name") == "stopReason") ?? false, Is.EqualTo(partial));
            Assert.That(File.ReadAllText(Path.Combine(outDir, "compliance.html")).Contains("Partial run:", StringComparison.Ordinal), Is.EqualTo(partial));
            Assert.That(File.ReadAllText(Path.Combine(outDir, "allure-results", "environment.properties")).Contains("complete=false", StringComparison.Ordinal), Is.EqualTo(partial));
            Assert.That(error, Does.Not.Contain("could not be written"));
        });
        return verdicts;
    }

    private static async Task<(int Code, string Out, string Err, string OutDir)> Certify(HostileDouble target, Dictionary<string, string> settings,
        CancellationToken stop = default, string[]? extra = null)
    {
        Environment.SetEnvironmentVariable("MPSD_REPO_ROOT", Repo.Root);
        var outDir = Path.Combine(Path.GetTempPath(), "mpsd-hostile-" + Guid.NewGuid().ToString("N"));
        var profile = Path.Combine(Path.GetTempPath(), "mpsd-hostile-" + Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(profile, target.ProfileJson);
        foreach (var (name, value) in settings)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
        try
        {
            var output = new StringWriter();
            var error = new StringWriter();
            var code = await CommandLine.RunAsync(["certify", "--profile", profile, "--out", outDir, .. extra ?? []], Stream.Null, output, error, stop);
            return (code, output.ToString(), error.ToString(), outDir);
        }
        finally
        {
            foreach (var name in settings.Keys)
            {
                Environment.SetEnvironmentVariable(name, null);
            }
            File.Delete(profile);
        }
    }
}

/// <summary>What a <see cref="HostileDouble"/> does with a PUT.</summary>
public enum HostilePut
{
    /// <summary>Reads it, never answers.</summary>
    NeverAnswers,

    /// <summary>200 application/json, then a body that never ends.</summary>
    EndlessJsonBody,

    /// <summary>Random bytes instead of HTTP, then closes.</summary>
    RandomBytes,

    /// <summary>A status line, then a header every 200 ms, never the end of the headers.</summary>
    SlowHeaders,

    /// <summary>Half a header, then a reset (RST).</summary>
    ResetDuringHeaders,
}

/// <summary>A target on a bare socket: GETs and DELETEs get a quick 404 (so the probe passes), PUTs get the hostile behaviour.</summary>
internal sealed class HostileDouble : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly HostilePut _behaviour;

    private HostileDouble(HostilePut behaviour)
    {
        _behaviour = behaviour;
        _listener.Start();
        ProfileJson = $$$"""
            {"baseUrl":"http://127.0.0.1:{{{((IPEndPoint)_listener.LocalEndpoint).Port}}}","scid":"8e9a0f52-6e6b-4c1a-9d2e-1b7c3f0a5d11","templates":{"open":"quick"},
             "users":[{"name":"alice","xuid":"2814650000000001","headers":{"Authorization":"{{{Token}}}"}},
                      {"name":"bob","xuid":"2814650000000002","headers":{"Authorization":"XBL3.0 x=2;bob-secret-token"}},
                      {"name":"carol","xuid":"2814650000000003","headers":{"Authorization":"XBL3.0 x=3;carol-secret-token"}}]}
            """;
        _ = Accept();
    }

    /// <summary>The first user's token: a secret no output may show.</summary>
    public string Token { get; } = "XBL3.0 x=1;canary-" + Guid.NewGuid().ToString("N");

    /// <summary>A target profile of this double.</summary>
    public string ProfileJson { get; }

    public static HostileDouble Start(HostilePut behaviour) => new(behaviour);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }

    private async Task Accept()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
                return;
            }
            _ = Serve(socket);
        }
    }

    private async Task Serve(Socket socket)
    {
        using (socket)
        {
            try
            {
                var token = _stop.Token;
                while (await ReadRequest(socket, token) is { } method)
                {
                    if (method != "PUT")
                    {
                        await socket.SendAsync("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"u8.ToArray(), token);
                        continue;
                    }
                    switch (_behaviour)
                    {
                        case HostilePut.NeverAnswers:
                            await Task.Delay(Timeout.Infinite, token);
                            break;
                        case HostilePut.EndlessJsonBody:
                            await socket.SendAsync("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"members\":["u8.ToArray(), token);
                            var chunk = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("{},", 4096)));
                            while (true)
                            {
                                await socket.SendAsync(chunk, token);
                            }
                        case HostilePut.RandomBytes:
                            await socket.SendAsync(RandomBytes(), token);
                            return;
                        case HostilePut.SlowHeaders:
                            await socket.SendAsync("HTTP/1.1 200 OK\r\n"u8.ToArray(), token);
                            while (true)
                            {
                                await Task.Delay(200, token);
                                await socket.SendAsync("X-Slow: 1\r\n"u8.ToArray(), token);
                            }
                        default:
                            await socket.SendAsync("HTTP/1.1 200 OK\r\nContent-Ty"u8.ToArray(), token);
                            socket.LingerState = new LingerOption(true, 0); // closing now sends an RST
                            return;
                    }
                }
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // the client went away, or the double stopped
            }
        }
    }

    private static byte[] RandomBytes()
    {
        var bytes = new byte[4096];
        new Random(12).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Reads one request (head and Content-Length body); returns its method, or null when the connection ended.</summary>
    private static async Task<string?> ReadRequest(Socket socket, CancellationToken token)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (!(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await socket.ReceiveAsync(one, token) == 0)
            {
                return null;
            }
            head.Add(one[0]);
        }
        var text = Encoding.ASCII.GetString(head.ToArray());
        var length = text.Split("\r\n").Select(line => line.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            .Select(p => int.Parse(p[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
        var body = new byte[Math.Max(length, 1)];
        for (var read = 0; read < length;)
        {
            var n = await socket.ReceiveAsync(body.AsMemory(read, length - read), token);
            if (n == 0)
            {
                return null;
            }
            read += n;
        }
        return text.Split(' ')[0];
    }
}
