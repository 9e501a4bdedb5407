using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MpsdConformance.Results;

namespace MpsdConformance.Cli;

/// <summary>How many mappings went into how many files.</summary>
/// <param name="Folder">The folder of the mapping files (<c>DIR/mappings</c>).</param>
/// <param name="Files">How many files.</param>
/// <param name="Mappings">How many mappings.</param>
internal sealed record MappingSet(string Folder, int Files, int Mappings);

/// <summary>
/// Writes a run's exchanges (<see cref="RecordedExchange"/>) as WireMock stub mappings in the wiremock.org JSON
/// format, the one Java WireMock reads from <c>--root-dir DIR</c>: <c>DIR/mappings/*.json</c>, one file per
/// scenario of the suite, each <c>{"mappings": [...]}</c> in the order the answers came back. A mapping matches
/// the method, the exact URL, the headers that change an MPSD answer and the body (as JSON when it is JSON), and
/// answers the recorded status, headers and body verbatim. Repeated requests on one URL are ordered by a WireMock
/// scenario per URL: the k-th recorded exchange needs state k and moves it to k+1; the last one keeps its state, so
/// repeating the last request repeats the last answer. No secret reaches a mapping: the exchanges are redacted,
/// and the identities' headers (Authorization) are matched on presence only, never on their value.
/// </summary>
internal static class MappingWriter
{
    /// <summary>The folder under the root that holds the mapping files (Java WireMock's <c>--root-dir</c> layout).</summary>
    public const string MappingsFolder = "mappings";

    /// <summary>The key of this tool's own data in a mapping's <c>metadata</c>.</summary>
    public const string MetadataKey = "mpsd";

    /// <summary>The file of the exchanges sent outside any scenario.</summary>
    public const string OutsideScenariosFile = "outside-scenarios.json";

    /// <summary>Java WireMock's first state of every scenario.</summary>
    public const string StartState = "Started";

    /// <summary>Request headers matched on their exact value, or on their absence when the request had none.</summary>
    public static readonly string[] ExactHeaders = ["X-Xbl-Contract-Version", "If-Match", "If-None-Match"];

    /// <summary>Request headers matched on presence (any value) or absence: they carry an identity's secret.</summary>
    public static readonly string[] PresenceHeaders = ["Authorization"];

    /// <summary>The request header matched on its media type, whatever its parameters (a client may add a charset).</summary>
    public const string ContentType = "Content-Type";

    /// <summary>Response headers left out: the transport's, or the moment's.</summary>
    public static readonly string[] DroppedResponseHeaders = ["Date", "Server", "Transfer-Encoding", "Content-Length", "Connection", "Keep-Alive"];

    /// <summary>Indented, UTF-8 as it is (a JSON string escapes only what JSON must).</summary>
    public static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private const string ScenarioPrefix = "MpsdConformance.Scenarios.";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Writes the mappings of <paramref name="exchanges"/> under <paramref name="root"/>/mappings, replacing the
    /// <c>.json</c> files a previous recording left there.
    /// </summary>
    public static MappingSet Write(string root, IEnumerable<RecordedExchange> exchanges)
    {
        var folder = Path.Combine(Path.GetFullPath(root), MappingsFolder);
        Directory.CreateDirectory(folder);
        foreach (var old in Directory.EnumerateFiles(folder, "*.json"))
        {
            File.Delete(old);
        }
        var files = Files(exchanges);
        foreach (var (name, text, _) in files)
        {
            File.WriteAllText(Path.Combine(folder, name), text, StrictUtf8);
        }
        return new MappingSet(folder, files.Count, files.Sum(f => f.Mappings));
    }

    /// <summary>The mapping files of <paramref name="exchanges"/>: file name, text, and how many mappings each holds; ordered by name.</summary>
    public static List<(string Name, string Text, int Mappings)> Files(IEnumerable<RecordedExchange> exchanges)
    {
        var ordered = exchanges.OrderBy(e => e.Sequence).ToList();
        var states = States(ordered);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        return ordered
            .GroupBy(e => e.Scenario)
            .Select(g => (Scenario: g.Key, FileName: g.Key is null ? OutsideScenariosFile : FileName(g.Key), Exchanges: g.ToList()))
            .OrderBy(g => g.FileName, StringComparer.Ordinal)
            .Select(g =>
            {
                var fileName = Unique(g.FileName, names);
                var mappings = new JsonArray();
                var number = 0;
                foreach (var exchange in g.Exchanges)
                {
                    mappings.Add(Mapping(exchange, ++number, states[exchange.Sequence]));
                }
                var text = new JsonObject { ["mappings"] = mappings }.ToJsonString(Json) + "\n";
                return (fileName, text, g.Exchanges.Count);
            })
            .ToList();
    }

    /// <summary>The WireMock scenario of each exchange whose URL was requested more than once: (name, required state, new state).</summary>
    private static Dictionary<long, (string Scenario, string Required, string Next)?> States(List<RecordedExchange> ordered)
    {
        var states = new Dictionary<long, (string, string, string)?>();
        foreach (var url in ordered.GroupBy(e => e.PathAndQuery, StringComparer.Ordinal))
        {
            var sequence = url.ToList();
            for (var k = 1; k <= sequence.Count; k++)
            {
                states[sequence[k - 1].Sequence] = sequence.Count == 1 ? null : (url.Key, State(k), State(Math.Min(k + 1, sequence.Count)));
            }
        }
        return states;
    }

    /// <summary>The state in which the k-th request on a URL is answered.</summary>
    public static string State(int k) => k == 1 ? StartState : $"request {k}";

    private static JsonObject Mapping(RecordedExchange exchange, int number, (string Scenario, string Required, string Next)? state)
    {
        var mapping = new JsonObject
        {
            ["name"] = $"{ShortName(exchange.Scenario)} #{number}",
        };
        if (state is { } s)
        {
            mapping["scenarioName"] = s.Scenario;
            mapping["requiredScenarioState"] = s.Required;
            mapping["newScenarioState"] = s.Next;
        }
        mapping["request"] = Request(exchange);
        mapping["response"] = Response(exchange);
        var sent = new JsonObject();
        foreach (var name in ExactHeaders.Append(ContentType))
        {
            if (Header(exchange.RequestHeaders, name) is { } value)
            {
                sent[name] = value;
            }
        }
        var ours = new JsonObject
        {
            ["sequence"] = exchange.Sequence,
            ["sentHeaders"] = sent,
        };
        if (exchange.Concurrent)
        {
            ours["concurrent"] = true; // its place among the requests in flight with it is the order the answers came back
        }
        mapping["metadata"] = new JsonObject { [MetadataKey] = ours };
        return mapping;
    }

    private static JsonObject Request(RecordedExchange exchange)
    {
        var headers = new JsonObject();
        foreach (var name in ExactHeaders)
        {
            headers[name] = Header(exchange.RequestHeaders, name) is { } value ? new JsonObject { ["equalTo"] = value } : new JsonObject { ["absent"] = true };
        }
        foreach (var name in PresenceHeaders)
        {
            headers[name] = Header(exchange.RequestHeaders, name) is not null ? new JsonObject { ["matches"] = ".+" } : new JsonObject { ["absent"] = true };
        }
        if (Header(exchange.RequestHeaders, ContentType) is { } contentType)
        {
            headers[ContentType] = new JsonObject { ["matches"] = MediaTypePattern(contentType) };
        }
        var request = new JsonObject
        {
            ["method"] = exchange.Method,
            ["url"] = exchange.PathAndQuery,
            ["headers"] = headers,
        };
        if (exchange.RequestBody is { Length: > 0 } body)
        {
            request["bodyPatterns"] = new JsonArray(BodyPattern(body));
        }
        return request;
    }

    /// <summary>
    /// The body as JSON (<c>equalToJson</c>, the document itself when it is an object or an array) when it is JSON;
    /// as text (<c>equalTo</c>) when it is UTF-8 text but not JSON; as bytes (<c>binaryEqualTo</c>, base64) otherwise.
    /// </summary>
    private static JsonObject BodyPattern(byte[] body)
    {
        if (Text(body) is not { } text)
        {
            return new JsonObject { ["binaryEqualTo"] = Convert.ToBase64String(body) };
        }
        try
        {
            var document = JsonNode.Parse(text);
            // Serializing walks every object, which refuses duplicate keys: such a body is matched as text.
            var compact = document?.ToJsonString() ?? "null";
            return new JsonObject { ["equalToJson"] = document is JsonObject or JsonArray ? document : compact };
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            return new JsonObject { ["equalTo"] = text };
        }
    }

    private static JsonObject Response(RecordedExchange exchange)
    {
        var response = new JsonObject { ["status"] = exchange.Status };
        var headers = new JsonObject();
        foreach (var group in exchange.ResponseHeaders
                     .Where(h => !DroppedResponseHeaders.Contains(h.Key, StringComparer.OrdinalIgnoreCase))
                     .GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
        {
            var values = group.Select(h => h.Value).ToList();
            headers[group.Key] = values.Count == 1 ? values[0] : new JsonArray([.. values.Select(v => (JsonNode)v)]);
        }
        if (headers.Count > 0)
        {
            response["headers"] = headers;
        }
        if (exchange.ResponseBody.Length > 0)
        {
            if (Text(exchange.ResponseBody) is { } text)
            {
                response["body"] = text;
            }
            else
            {
                response["base64Body"] = Convert.ToBase64String(exchange.ResponseBody);
            }
        }
        return response;
    }

    /// <summary>A regular expression (whole value, case-insensitive) for a Content-Type of this media type, with any parameters.</summary>
    public static string MediaTypePattern(string contentType)
    {
        var mediaType = contentType.Split(';')[0].Trim();
        return $"(?i)^{Regex.Escape(mediaType)}(\\s*;.*)?$";
    }

    /// <summary>The value of a header (the first, names compared without case), or null.</summary>
    public static string? Header(IEnumerable<KeyValuePair<string, string>> headers, string name) =>
        headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();

    /// <summary>The bytes as text when they are UTF-8 without a byte-order mark, else null.</summary>
    public static string? Text(byte[] bytes)
    {
        if (bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return null;
        }
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static string ShortName(string? scenario) =>
        scenario is null ? "outside scenarios" : scenario.StartsWith(ScenarioPrefix, StringComparison.Ordinal) ? scenario[ScenarioPrefix.Length..] : scenario;

    /// <summary>A file name for a scenario: its name without the suite's namespace, letters, digits, '.', '-' and '_' only.</summary>
    public static string FileName(string scenario)
    {
        var name = Regex.Replace(ShortName(scenario), "[^A-Za-z0-9._-]+", "_").Trim('_', '.');
        return (name.Length > 150 ? name[..150] : name) + ".json";
    }

    private static string Unique(string fileName, HashSet<string> taken)
    {
        var candidate = fileName;
        for (var n = 2; !taken.Add(candidate); n++)
        {
            candidate = $"{Path.GetFileNameWithoutExtension(fileName)}-{n}.json";
        }
        return candidate;
    }
}
