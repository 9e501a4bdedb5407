using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MpsdConformance.Cli;

namespace MpsdConformance.SelfTests.Stub;

/// <summary>A writer the command writes to while a test reads it.</summary>
internal sealed class SharedWriter : StringWriter
{
    private readonly Lock _lock = new();

    public override void Write(char value)
    {
        lock (_lock)
        {
            base.Write(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_lock)
        {
            base.Write(value);
        }
    }

    public override string ToString()
    {
        lock (_lock)
        {
            return base.ToString();
        }
    }
}

/// <summary><c>mpsd stub</c> run in this process through the command line, until disposed (as Ctrl-C would stop it).</summary>
internal sealed class StubUnderTest : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task<int> _run = Task.FromResult(-1);

    public SharedWriter Output { get; } = new();

    public SharedWriter Error { get; } = new();

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Starts <c>mpsd stub --port 0 ARGS</c>; returns once it says where it listens.</summary>
    public static async Task<StubUnderTest> StartAsync(params string[] args)
    {
        var stub = new StubUnderTest();
        stub._run = Task.Run(() => CommandLine.RunAsync(["stub", "--port", "0", .. args], Stream.Null, stub.Output, stub.Error, stub._stop.Token));
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (Regex.Match(stub.Output.ToString(), @"listening on (http://\S+)") is { Success: true } match)
            {
                stub.BaseUrl = new Uri(match.Groups[1].Value);
                return stub;
            }
            if (stub._run.IsCompleted)
            {
                Assert.Fail($"mpsd stub ended with exit {await stub._run}:\n{stub.Output}{stub.Error}");
            }
            await Task.Delay(50);
        }
        Assert.Fail($"mpsd stub did not say where it listens within 60 s:\n{stub.Output}{stub.Error}");
        return stub;
    }

    /// <summary>Stops it as Ctrl-C does; returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        return await _run;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_run.IsCompleted)
        {
            await StopAsync();
        }
        _stop.Dispose();
    }
}

/// <summary>
/// The Java WireMock (the standalone jar of the npm package <c>wiremock</c>, pinned in package-lock.json) serving
/// a mappings root with <c>--root-dir</c>, as its own process, until disposed. Missing Java or the jar fails the test
/// with what to install: it never skips.
/// </summary>
internal sealed class JavaWireMock : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private JavaWireMock(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    /// <summary>The jar ./test.sh installs (npm ci at the repository root).</summary>
    public static string Jar
    {
        get
        {
            var folder = Path.Combine(Repo.Root, "node_modules", "wiremock", "build");
            var jar = Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "wiremock-standalone-*.jar").Order(StringComparer.Ordinal).LastOrDefault() : null;
            if (jar is null)
            {
                Assert.Fail($"the Java WireMock jar is missing ({Path.Combine("node_modules", "wiremock", "build")}/wiremock-standalone-*.jar): run 'npm ci' at the repository root (./test.sh does)");
            }
            return jar!;
        }
    }

    /// <summary>The java command: $MPSD_JAVA, else java on the PATH.</summary>
    public static string Java
    {
        get
        {
            var java = Environment.GetEnvironmentVariable("MPSD_JAVA") is { Length: > 0 } configured ? configured : "java";
            var found = Path.IsPathRooted(java) ? File.Exists(java)
                : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(dir => File.Exists(Path.Combine(dir, java)));
            if (!found)
            {
                Assert.Fail($"Java is missing ('{java}' not found): install Debian's default-jre-headless (./test.sh does when root) or set MPSD_JAVA");
            }
            return java;
        }
    }

    public static async Task<JavaWireMock> StartAsync(string root)
    {
        var port = FreePort();
        var start = new ProcessStartInfo(Java) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-jar", Jar, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind-address", "127.0.0.1",
                     "--root-dir", root, "--disable-banner", "--no-request-journal", "--disable-request-logging" })
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start)!;
        var wiremock = new JavaWireMock(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => wiremock.Log(e.Data);
        process.ErrorDataReceived += (_, e) => wiremock.Log(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (process.HasExited)
            {
                Assert.Fail($"the Java WireMock ended with exit {process.ExitCode}:\n{wiremock.Output}");
            }
            try
            {
                if ((await http.GetAsync(new Uri(wiremock.BaseUrl, "/__admin/health"))).IsSuccessStatusCode)
                {
                    return wiremock;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(250);
        }
        await wiremock.DisposeAsync();
        Assert.Fail($"the Java WireMock did not answer /__admin/health within 90 s:\n{wiremock.Output}");
        return wiremock;
    }

    public string Output
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void Log(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One recorded exchange played again against a stub, and what the stub answered.</summary>
/// <param name="Mapping">The mapping whose recorded request was sent.</param>
/// <param name="Status">The status the stub answered.</param>
/// <param name="Headers">The headers it answered.</param>
/// <param name="Body">The body it answered.</param>
internal sealed record Replayed(StubMapping Mapping, int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    /// <summary>
    /// Whether the answer is the recorded one: the same status, every recorded header with its recorded value, and a
    /// body that is JSON-equal (for JSON) or the same bytes.
    /// </summary>
    public bool AsRecorded => Status == Mapping.Status && MissingHeaders().Count == 0 && SameBody(Body, Mapping.ResponseBody);

    public override string ToString() =>
        $"{Mapping.Source} ({Mapping.Method} {Mapping.Url}): recorded {Mapping.Status} {Preview(Mapping.ResponseBody)}, answered {Status} {Preview(Body)}"
        + (MissingHeaders() is { Count: > 0 } missing ? $", without {string.Join(", ", missing)}" : "");

    // A header's values compare joined, as a list header (Allow: GET, PUT) may come back one value at a time.
    private List<string> MissingHeaders() =>
        Mapping.ResponseHeaders
            .GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
            .Where(recorded => Joined(Headers, recorded.Key) != string.Join(", ", recorded.Select(h => h.Value)))
            .Select(recorded => $"{recorded.Key}: {string.Join(", ", recorded.Select(h => h.Value))}")
            .ToList();

    private static string Joined(IEnumerable<KeyValuePair<string, string>> headers, string name) =>
        string.Join(", ", headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value));

    public static bool SameBody(byte[] actual, byte[] expected)
    {
        if (actual.AsSpan().SequenceEqual(expected))
        {
            return true;
        }
        try
        {
            return JsonNode.DeepEquals(JsonNode.Parse(actual), JsonNode.Parse(expected));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Preview(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        return text.Length > 200 ? text[..200] + "..." : text;
    }
}

/// <summary>Plays recorded requests again, in the recorded order, against a stub.</summary>
internal static class Replay
{
    /// <summary>Sends every mapping's recorded request, in the order of the recording, to <paramref name="baseUrl"/>; returns each answer.</summary>
    public static async Task<List<Replayed>> RunAsync(Uri baseUrl, IEnumerable<StubMapping> mappings)
    {
        using var http = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None, UseCookies = false }) { BaseAddress = baseUrl };
        var answers = new List<Replayed>();
        var clock = Stopwatch.StartNew();
        foreach (var mapping in mappings.OrderBy(m => m.Sequence))
        {
            using var request = Request(mapping);
            using var response = await http.SendAsync(request);
            var headers = response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated)
                .SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v)))
                .ToList();
            answers.Add(new Replayed(mapping, (int)response.StatusCode, headers, await response.Content.ReadAsByteArrayAsync()));
        }
        TestContext.Out.WriteLine($"replayed {answers.Count} requests against {baseUrl} in {clock.Elapsed.TotalSeconds:0.0} s ({clock.Elapsed.TotalMilliseconds / Math.Max(1, answers.Count):0.0} ms each)");
        return answers;
    }

    /// <summary>The request a mapping was recorded from: its method, URL, body and the headers its rules name (any identity for Authorization).</summary>
    public static HttpRequestMessage Request(StubMapping mapping)
    {
        Assert.That(mapping.UrlKind, Is.EqualTo("url"), $"{mapping.Source}: a recorded mapping matches the exact URL");
        var request = new HttpRequestMessage(new HttpMethod(mapping.Method), mapping.Url);
        if (mapping.Bodies.FirstOrDefault() is { } body)
        {
            request.Content = new ByteArrayContent(body.Kind == "binaryEqualTo" ? Convert.FromBase64String(body.Value) : Encoding.UTF8.GetBytes(body.Value));
            request.Content.Headers.ContentType = null;
        }
        foreach (var (name, value) in mapping.SentHeaders)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }
        if (mapping.Headers.Any(h => h.Name.Equals("Authorization", StringComparison.OrdinalIgnoreCase) && h.Kind != "absent"))
        {
            request.Headers.TryAddWithoutValidation("Authorization", "XBL3.0 x=0;a-client-team-token");
        }
        return request;
    }
}

/// <summary>
/// A recording made comparable with another of the same suite against the same server: per mapping file, the
/// mappings without their order (the scenarios' states, the names' numbers, the sequence), every JSON object's keys
/// sorted, and what a run makes up anew in place holders: GUIDs, hex tokens (ETags, random names, device tokens,
/// xuids), base64 tokens, timestamps and HTTP dates. Where requests on one URL were in flight together, which of
/// them won is the run's luck: such files also compare with every number masked.
/// </summary>
internal static partial class Comparable
{
    /// <summary>File name to its sorted canonical mappings; with <paramref name="maskNumbers"/>, every JSON number a place holder too.</summary>
    public static Dictionary<string, List<string>> Of(string root, bool maskNumbers = false)
    {
        var files = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (file, mappings) in Files(root))
        {
            files[file] = mappings.Select(m => Canon(Strip(m), maskNumbers)).Order(StringComparer.Ordinal).ToList();
        }
        return files;
    }

    /// <summary>The files holding a mapping recorded while another request on its URL was in flight.</summary>
    public static HashSet<string> WithConcurrentRequests(string root) =>
        Files(root).Where(f => f.Mappings.Any(m => m["metadata"]?[MappingWriter.MetadataKey]?["concurrent"] is JsonValue flag && flag.GetValue<bool>()))
            .Select(f => f.File)
            .ToHashSet(StringComparer.Ordinal);

    private static IEnumerable<(string File, List<JsonObject> Mappings)> Files(string root) =>
        Directory.EnumerateFiles(MappingReader.Folder(root), "*.json")
            .Select(file => (Path.GetFileName(file), JsonNode.Parse(File.ReadAllText(file))!["mappings"]!.AsArray().Select(m => m!.AsObject()).ToList()));

    private static JsonObject Strip(JsonObject mapping)
    {
        var copy = mapping.DeepClone().AsObject();
        foreach (var key in new[] { "name", "metadata", "scenarioName", "requiredScenarioState", "newScenarioState" })
        {
            copy.Remove(key);
        }
        if (copy["response"]?["body"] is JsonValue body && body.TryGetValue(out string? text))
        {
            try
            {
                copy["response"]!["body"] = JsonNode.Parse(text) ?? "null"; // a JSON body compares as JSON
            }
            catch (JsonException)
            {
            }
        }
        return copy;
    }

    private static string Canon(JsonNode? node, bool maskNumbers) => node switch
    {
        null => "null",
        JsonObject o => "{" + string.Join(",", o.Select(p => Canon(JsonValue.Create(p.Key), maskNumbers) + ":" + Canon(p.Value, maskNumbers)).Order(StringComparer.Ordinal)) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(item => Canon(item, maskNumbers))) + "]",
        JsonValue v when v.TryGetValue(out string? text) => JsonSerializer.Serialize(Normalize(text)),
        JsonValue v when maskNumbers && v.GetValueKind() == JsonValueKind.Number => "{number}",
        _ => node.ToJsonString(),
    };

    /// <summary>The text with what a run makes up replaced.</summary>
    public static string Normalize(string text)
    {
        text = Timestamp().Replace(text, "{time}");
        text = HttpDate().Replace(text, "{date}");
        text = Guid().Replace(text, "{guid}");
        text = Hex().Replace(text, "{hex}");
        return Base64().Replace(text, "{base64}");
    }

    [GeneratedRegex(@"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")]
    private static partial Regex Timestamp();

    [GeneratedRegex(@"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT")]
    private static partial Regex HttpDate();

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex Guid();

    [GeneratedRegex("[0-9a-fA-F]{8,}")]
    private static partial Regex Hex();

    [GeneratedRegex("^[A-Za-z0-9+/]{20,}={1,2}$")]
    private static partial Regex Base64();
}
