using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using MpsdConformance.Reference;

namespace MpsdConformance.SelfTests.Reference;

/// <summary>
/// Slow clients (issue 12): while one drips a body byte by byte, one never finishes its headers, or a thousand
/// hold idle connections, a normal client still gets its answers; the slow ones are cut off by the server after
/// the configured limits (short ones here, set through <see cref="ConnectionLimitsConfig"/>).
/// </summary>
public class ReferenceSlowClientTests
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(10);

    private static ReferenceOptions ShortLimits()
    {
        var builtIn = ReferenceConfig.BuiltIn();
        return new ReferenceOptions
        {
            SchemasDirectory = Repo.Schemas,
            Config = new ReferenceConfig
            {
                Scids = builtIn.Scids,
                Identities = builtIn.Identities,
                Limits = new LimitsConfig
                {
                    Connections = new ConnectionLimitsConfig
                    {
                        RequestHeadersTimeoutSeconds = 2,
                        KeepAliveTimeoutSeconds = 2,
                        MinBodyBytesPerSecond = 100,
                        MinBodyGraceSeconds = 2,
                    },
                },
            },
        };
    }

    /// <summary>A normal client's create and read, each answered within <see cref="Prompt"/>.</summary>
    private static async Task NormalClientIsServed(ReferenceClient c)
    {
        var name = ReferenceClient.NewName();
        var put = await c.Put(c.Url(name), c.Alice, ReferenceClient.Join(c.Alice)).WaitAsync(Prompt);
        var get = await c.Get(c.Url(name), c.Alice).WaitAsync(Prompt);
        Assert.Multiple(() =>
        {
            Assert.That(put.Status, Is.EqualTo(HttpStatusCode.Created), put.ToString());
            Assert.That(get.Status, Is.EqualTo(HttpStatusCode.OK), get.ToString());
        });
    }

    private static async Task<TcpClient> Connect(ReferenceClient c)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(c.Server.BaseUrl.Host, c.Server.BaseUrl.Port).WaitAsync(Prompt);
        return tcp;
    }

    /// <summary>Reads until the server closes the connection (or resets it); the bytes it sent before. Throws after <paramref name="within"/>.</summary>
    private static async Task<string> UntilClosed(TcpClient tcp, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await tcp.GetStream().ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
            // A reset is a cut too.
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the server did not cut the connection off within {within.TotalSeconds} s");
        }
        return Encoding.ASCII.GetString(received.ToArray());
    }

    /// <summary>Writes one byte every <paramref name="every"/> until the connection fails or <paramref name="stop"/> is cancelled.</summary>
    private static async Task Drip(TcpClient tcp, byte[] bytes, TimeSpan every, CancellationToken stop)
    {
        try
        {
            foreach (var b in bytes)
            {
                await tcp.GetStream().WriteAsync(new[] { b }, stop);
                await Task.Delay(every, stop);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // Cut off, or the test is over.
        }
    }

    private static string Head(ReferenceClient c, string method, string name, string extra) =>
        $"{method} {new Uri(c.Url(name)).PathAndQuery} HTTP/1.1\r\nHost: {c.Server.BaseUrl.Authority}\r\n"
        + $"Authorization: XBL3.0 x={c.Alice.UserHash};{c.Alice.Token}\r\nX-Xbl-Contract-Version: 107\r\n" + extra;

    [Test, CancelAfter(30_000)]
    public async Task ABodyDrippedByteByByte_DoesNotStallOthers_AndIsCutOff()
    {
        await using var c = await ReferenceClient.StartAsync(ShortLimits());
        using var slow = await Connect(c);
        var body = Encoding.UTF8.GetBytes(ReferenceClient.Join(c.Alice).PadRight(1000));
        var head = Head(c, "PUT", ReferenceClient.NewName(), $"Content-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n");
        await slow.GetStream().WriteAsync(Encoding.ASCII.GetBytes(head));
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var drip = Drip(slow, body, TimeSpan.FromMilliseconds(200), stop.Token);
        await Task.Delay(500);

        await NormalClientIsServed(c);
        var answer = await UntilClosed(slow, Prompt);
        await stop.CancelAsync();
        await drip;
        Assert.Multiple(() =>
        {
            Assert.That(clock.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(1.5)), "cut off before the grace period was over");
            Assert.That(answer, Does.Not.Contain(" 201 ").And.Not.Contain(" 200 ").And.Not.Contain(" 500 "), "the dripped body was taken");
            Assert.That(answer, Is.Empty.Or.StartWith("HTTP/1.1 408"), "a cut answers 408 or nothing");
        });
        await NormalClientIsServed(c);
    }

    [Test, CancelAfter(30_000)]
    public async Task HeadersNeverFinished_DoNotStallOthers_AndAreCutOff()
    {
        await using var c = await ReferenceClient.StartAsync(ShortLimits());
        using var slow = await Connect(c);
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        // Header bytes keep coming, one every 100 ms, and the blank line never does.
        var drip = Drip(slow, Encoding.ASCII.GetBytes(Head(c, "GET", ReferenceClient.NewName(), "X-Slow: " + new string('a', 500))), TimeSpan.FromMilliseconds(100), stop.Token);
        await Task.Delay(500);

        await NormalClientIsServed(c);
        var answer = await UntilClosed(slow, Prompt);
        await stop.CancelAsync();
        await drip;
        Assert.Multiple(() =>
        {
            Assert.That(clock.Elapsed, Is.GreaterThan(TimeSpan.FromSeconds(1.5)), "cut off before the headers timeout");
            Assert.That(answer, Is.Empty.Or.StartWith("HTTP/1.1 408"), "a cut answers 408 or nothing");
        });
        await NormalClientIsServed(c);
    }

    [Test, CancelAfter(40_000)]
    public async Task ThousandsOfIdleConnections_DoNotStallOthers_AndAreClosed()
    {
        var idle = Math.Min(1500, (FileDescriptorLimit() - 500) / 2);
        Assume.That(idle, Is.GreaterThanOrEqualTo(200), "too few file descriptors for the test");
        await using var c = await ReferenceClient.StartAsync(ShortLimits());
        var connections = new List<TcpClient>();
        try
        {
            for (var batch = 0; batch < idle; batch += 100)
            {
                connections.AddRange(await Task.WhenAll(Enumerable.Range(0, Math.Min(100, idle - batch)).Select(_ => Connect(c))));
            }

            await NormalClientIsServed(c);
            var cuts = await Task.WhenAll(connections.Select(tcp => UntilClosed(tcp, Prompt)));
            Assert.That(cuts, Has.All.Empty, "an idle connection is closed without an answer");
            await NormalClientIsServed(c);
        }
        finally
        {
            connections.ForEach(tcp => tcp.Dispose());
        }
    }

    [Test]
    public void ConnectionLimits_OutOfRange_AreRefusedNamingTheField()
    {
        var builtIn = ReferenceConfig.BuiltIn();
        var config = new ReferenceConfig
        {
            Scids = builtIn.Scids,
            Identities = builtIn.Identities,
            Limits = new LimitsConfig { Connections = new ConnectionLimitsConfig { MinBodyGraceSeconds = 1 } },
        };
        var ex = Assert.Throws<ReferenceConfigException>(() => config.Validate("test"));
        Assert.That(ex!.Message, Does.Contain("limits.connections").And.Contain("minBodyGraceSeconds"));
    }

    [Test]
    public void ConnectionLimits_AreSetInTheConfigurationFile_OthersKeepTheirDefaults()
    {
        var json = JsonNode.Parse(ReferenceConfig.BuiltIn().ToJson())!;
        json["limits"]!["connections"] = new JsonObject { ["keepAliveTimeoutSeconds"] = 7, ["maxConnections"] = null };
        var path = Path.Combine(Path.GetTempPath(), $"mpsd-connections-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json.ToJsonString());
        try
        {
            var connections = ReferenceConfig.Load(path).Limits.Connections;
            Assert.Multiple(() =>
            {
                Assert.That(connections.KeepAliveTimeoutSeconds, Is.EqualTo(7));
                Assert.That(connections.MaxConnections, Is.Null);
                Assert.That(connections.RequestHeadersTimeoutSeconds, Is.EqualTo(10));
                Assert.That(connections.MinBodyBytesPerSecond, Is.EqualTo(240));
            });
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static int FileDescriptorLimit()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 4096;
        }
        var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var soft = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(3);
        return int.TryParse(soft, out var limit) ? limit : 1024;
    }
}
