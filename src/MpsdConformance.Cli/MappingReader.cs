using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MpsdConformance.Cli;

/// <summary>How a request header is matched: <c>equalTo</c>, <c>matches</c> (a whole-value regular expression), <c>contains</c>, or <c>absent</c>.</summary>
/// <param name="Name">The header's name (compared without case).</param>
/// <param name="Kind">equalTo, matches, contains or absent.</param>
/// <param name="Value">The value, the pattern or the substring; null for absent.</param>
internal sealed record HeaderRule(string Name, string Kind, string? Value);

/// <summary>How a request body is matched.</summary>
/// <param name="Kind">equalToJson (JSON-equal), equalTo (the same text), contains, matches (a whole-body regular expression) or binaryEqualTo (the same bytes).</param>
/// <param name="Value">The JSON text, the text, the substring, the pattern, or the bytes in base64.</param>
internal sealed record BodyRule(string Kind, string Value);

/// <summary>One stub mapping as <c>mpsd stub</c> serves it, read from a wiremock.org mapping file.</summary>
/// <param name="Source">Where it came from: the file (relative to the mappings folder) and its place in the file, for messages.</param>
/// <param name="Name">Its name, or null.</param>
/// <param name="Method">The method, or "ANY".</param>
/// <param name="UrlKind">url (path and query, exact), urlPath (path, exact), urlPattern or urlPathPattern (whole-value regular expressions).</param>
/// <param name="Url">The URL, path or pattern.</param>
/// <param name="Headers">The header rules, all of which must hold.</param>
/// <param name="Bodies">The body rules, all of which must hold.</param>
/// <param name="Priority">The priority (1 is the highest), or null.</param>
/// <param name="Scenario">The WireMock scenario, or null.</param>
/// <param name="RequiredState">The state the scenario must be in, or null for any.</param>
/// <param name="NewState">The state the scenario moves to, or null to leave it.</param>
/// <param name="Status">The response status.</param>
/// <param name="ResponseHeaders">The response headers, a repeated header once per value.</param>
/// <param name="ResponseBody">The response body's bytes (empty for none).</param>
/// <param name="Sequence">The recording's order (this tool's metadata), or null.</param>
/// <param name="SentHeaders">The headers the recorded request carried that the rules refer to (this tool's metadata), for replays.</param>
internal sealed record StubMapping(
    string Source,
    string? Name,
    string Method,
    string UrlKind,
    string Url,
    IReadOnlyList<HeaderRule> Headers,
    IReadOnlyList<BodyRule> Bodies,
    int? Priority,
    string? Scenario,
    string? RequiredState,
    string? NewState,
    int Status,
    IReadOnlyList<KeyValuePair<string, string>> ResponseHeaders,
    byte[] ResponseBody,
    long? Sequence,
    IReadOnlyDictionary<string, string> SentHeaders);

/// <summary>A mapping file that <c>mpsd stub</c> cannot serve: the message names the file and what is wrong.</summary>
internal sealed class MappingException(string message) : Exception(message);

/// <summary>
/// Reads WireMock stub mappings in the wiremock.org JSON format: <c>DIR/mappings/*.json</c> (Java WireMock's
/// <c>--root-dir</c> layout) or <c>DIR/*.json</c>, each file one mapping or <c>{"mappings": [...]}</c>. It reads
/// what <c>mpsd certify --record-mappings</c> writes and the common matchers besides (see <see cref="HeaderRule"/>,
/// <see cref="BodyRule"/>); anything else (a transformer, a delay, a fault, a proxy ...) is refused by name
/// rather than served differently from Java WireMock.
/// </summary>
internal static class MappingReader
{
    private static readonly string[] MappingKeys = ["id", "uuid", "name", "priority", "persistent", "scenarioName", "requiredScenarioState", "newScenarioState", "request", "response", "metadata"];
    private static readonly string[] RequestKeys = ["method", "url", "urlPath", "urlPattern", "urlPathPattern", "headers", "bodyPatterns"];
    private static readonly string[] ResponseKeys = ["status", "headers", "body", "jsonBody", "base64Body"];
    private static readonly string[] UrlKeys = ["url", "urlPath", "urlPattern", "urlPathPattern"];
    private static readonly string[] HeaderKinds = ["equalTo", "matches", "contains", "absent"];
    private static readonly string[] BodyKinds = ["equalToJson", "equalTo", "contains", "matches", "binaryEqualTo"];

    /// <summary>The folder that holds the mapping files of <paramref name="root"/>: its <c>mappings</c> subfolder when it has one, else itself.</summary>
    public static string Folder(string root)
    {
        var nested = Path.Combine(root, MappingWriter.MappingsFolder);
        return Directory.Exists(nested) ? nested : root;
    }

    /// <summary>Every mapping under <paramref name="root"/>, files in name order; throws <see cref="MappingException"/> naming the file at fault.</summary>
    public static List<StubMapping> Read(string root)
    {
        if (!Directory.Exists(root))
        {
            throw new MappingException($"no such folder: {root}");
        }
        var folder = Folder(root);
        var files = Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            throw new MappingException($"no mapping files (*.json) in {folder}");
        }
        var mappings = new List<StubMapping>();
        foreach (var file in files)
        {
            mappings.AddRange(ReadFile(file, Path.GetRelativePath(folder, file)));
        }
        return mappings;
    }

    /// <summary>The mappings of one file; <paramref name="label"/> names it in messages.</summary>
    public static List<StubMapping> ReadFile(string path, string label)
    {
        JsonNode? document;
        try
        {
            document = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new MappingException($"{label}: not JSON ({e.Message})");
        }
        var items = document switch
        {
            JsonObject o when o.ContainsKey("mappings") => o["mappings"] as JsonArray ?? throw new MappingException($"{label}: \"mappings\" is not an array"),
            JsonObject o => new JsonArray(o.DeepClone()),
            _ => throw new MappingException($"{label}: neither a mapping nor {{\"mappings\": [...]}}"),
        };
        var mappings = new List<StubMapping>();
        for (var i = 0; i < items.Count; i++)
        {
            var source = items.Count == 1 && document is JsonObject single && !single.ContainsKey("mappings") ? label : $"{label}, mapping {i + 1}";
            try
            {
                mappings.Add(Parse(items[i] as JsonObject ?? throw new MappingException("not a JSON object"), source));
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException or JsonException or ArgumentException)
            {
                throw new MappingException($"{source}: {e.Message}");
            }
            catch (MappingException e) when (!e.Message.StartsWith(source, StringComparison.Ordinal))
            {
                throw new MappingException($"{source}: {e.Message}");
            }
        }
        return mappings;
    }

    private static StubMapping Parse(JsonObject mapping, string source)
    {
        Only(mapping, MappingKeys, "");
        var request = mapping["request"] as JsonObject ?? throw new MappingException("no \"request\" object");
        var response = mapping["response"] as JsonObject ?? throw new MappingException("no \"response\" object");
        Only(request, RequestKeys, "request.");
        Only(response, ResponseKeys, "response.");

        var urls = UrlKeys.Where(request.ContainsKey).ToList();
        if (urls.Count > 1)
        {
            throw new MappingException($"request has {string.Join(" and ", urls)}: one of them at most");
        }
        var urlKind = urls.Count == 1 ? urls[0] : "urlPattern";
        var url = urls.Count == 1 ? Text(request[urlKind], $"request.{urlKind}") : ".*";
        if (urlKind.EndsWith("Pattern", StringComparison.Ordinal))
        {
            Pattern(url, $"request.{urlKind}");
        }

        var headers = new List<HeaderRule>();
        if (request["headers"] is { } headerNode)
        {
            foreach (var (name, rule) in headerNode as JsonObject ?? throw new MappingException("request.headers is not an object"))
            {
                var (kind, value) = Rule(rule, HeaderKinds, $"request.headers.{name}");
                var text = kind == "absent" ? null : Text(value, $"request.headers.{name}.{kind}");
                if (kind == "matches")
                {
                    Pattern(text!, $"request.headers.{name}.matches");
                }
                headers.Add(new HeaderRule(name, kind, text));
            }
        }

        var bodies = new List<BodyRule>();
        if (request["bodyPatterns"] is { } patternsNode)
        {
            foreach (var pattern in patternsNode as JsonArray ?? throw new MappingException("request.bodyPatterns is not an array"))
            {
                var (kind, value) = Rule(pattern, BodyKinds, "request.bodyPatterns[]");
                var rule = kind == "equalToJson"
                    ? new BodyRule(kind, value is JsonValue v && v.TryGetValue(out string? json) ? Json(json) : value?.ToJsonString() ?? "null")
                    : new BodyRule(kind, Text(value, $"request.bodyPatterns[].{kind}"));
                if (kind == "binaryEqualTo" && !Convert.TryFromBase64String(rule.Value, new byte[rule.Value.Length], out _))
                {
                    throw new MappingException("request.bodyPatterns[].binaryEqualTo is not base64");
                }
                if (kind == "matches")
                {
                    Pattern(rule.Value, "request.bodyPatterns[].matches");
                }
                bodies.Add(rule);
            }
        }

        var responseHeaders = new List<KeyValuePair<string, string>>();
        if (response["headers"] is { } responseHeadersNode)
        {
            foreach (var (name, value) in responseHeadersNode as JsonObject ?? throw new MappingException("response.headers is not an object"))
            {
                var values = value is JsonArray many ? many.Select(v => Text(v, $"response.headers.{name}[]")) : [Text(value, $"response.headers.{name}")];
                responseHeaders.AddRange(values.Select(v => new KeyValuePair<string, string>(name, v)));
            }
        }
        var bodyKeys = new[] { "body", "jsonBody", "base64Body" }.Where(response.ContainsKey).ToList();
        if (bodyKeys.Count > 1)
        {
            throw new MappingException($"response has {string.Join(" and ", bodyKeys)}: one of them at most");
        }
        var body = bodyKeys.FirstOrDefault() switch
        {
            "body" => Encoding.UTF8.GetBytes(Text(response["body"], "response.body")),
            "jsonBody" => Encoding.UTF8.GetBytes(response["jsonBody"]?.ToJsonString() ?? "null"),
            "base64Body" => Convert.FromBase64String(Text(response["base64Body"], "response.base64Body")),
            _ => [],
        };

        var ours = mapping["metadata"]?[MappingWriter.MetadataKey] as JsonObject;
        var sent = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (header, value) in ours?["sentHeaders"] as JsonObject ?? [])
        {
            sent[header] = Text(value, $"metadata.{MappingWriter.MetadataKey}.sentHeaders.{header}");
        }
        return new StubMapping(
            source,
            mapping["name"] is { } title ? Text(title, "name") : null,
            request["method"] is { } method ? Text(method, "request.method").ToUpperInvariant() : "ANY",
            urlKind,
            url,
            headers,
            bodies,
            mapping["priority"] is { } priority ? priority.GetValue<int>() : null,
            mapping["scenarioName"] is { } scenario ? Text(scenario, "scenarioName") : null,
            mapping["requiredScenarioState"] is { } required ? Text(required, "requiredScenarioState") : null,
            mapping["newScenarioState"] is { } next ? Text(next, "newScenarioState") : null,
            response["status"] is { } status ? status.GetValue<int>() : 200,
            responseHeaders,
            body,
            ours?["sequence"] is { } sequence ? sequence.GetValue<long>() : null,
            sent);
    }

    // A matcher object: exactly one of the kinds this reader knows, no other keys.
    private static (string Kind, JsonNode? Value) Rule(JsonNode? node, string[] kinds, string where)
    {
        if (node is not JsonObject rule)
        {
            throw new MappingException($"{where} is not a matcher object");
        }
        var known = rule.Where(p => kinds.Contains(p.Key)).ToList();
        var unknown = rule.Where(p => !kinds.Contains(p.Key)).Select(p => p.Key).ToList();
        if (unknown.Count > 0)
        {
            throw new MappingException($"{where}: '{unknown[0]}' is not supported by mpsd stub (it reads {string.Join(", ", kinds)})");
        }
        if (known.Count != 1)
        {
            throw new MappingException($"{where}: one matcher of {string.Join(", ", kinds)} expected, {known.Count} found");
        }
        var (kind, value) = known[0];
        if (kind == "absent" && !(value is JsonValue flag && flag.TryGetValue(out bool isAbsent) && isAbsent))
        {
            throw new MappingException($"{where}.absent: only true is supported");
        }
        return (kind, value);
    }

    private static void Only(JsonObject node, string[] keys, string prefix)
    {
        if (node.Select(p => p.Key).FirstOrDefault(k => !keys.Contains(k)) is { } unknown)
        {
            throw new MappingException($"'{prefix}{unknown}' is not supported by mpsd stub");
        }
    }

    private static void Pattern(string pattern, string where)
    {
        try
        {
            _ = new System.Text.RegularExpressions.Regex(pattern);
        }
        catch (ArgumentException e)
        {
            throw new MappingException($"{where} is not a regular expression ({e.Message})");
        }
    }

    private static string Text(JsonNode? node, string where) =>
        node is JsonValue value && value.TryGetValue(out string? text) ? text : throw new MappingException($"{where} is not a string");

    private static string Json(string text)
    {
        try
        {
            return JsonNode.Parse(text)?.ToJsonString() ?? "null";
        }
        catch (JsonException e)
        {
            throw new MappingException($"equalToJson is not JSON ({e.Message})");
        }
    }
}
