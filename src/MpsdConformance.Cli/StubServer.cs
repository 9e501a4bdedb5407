using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Util;

namespace MpsdConformance.Cli;

/// <summary>
/// The stub server of <c>mpsd stub</c>: WireMock.Net serving <see cref="StubMapping"/>s with Java WireMock's
/// meaning. WireMock.Net's own import of wiremock.org mappings (<c>ReadStaticWireMockOrgMappingAndAddOrUpdate</c>)
/// drops the scenario fields and the <c>absent</c> header matcher, which the recorded mappings need to order
/// repeated requests and to tell a conditional request from a plain one; so each mapping is built here through
/// WireMock.Net's own request and response builders, scenarios included, with Java WireMock's matchers as
/// predicates (<c>equalToJson</c> is JSON equality, as in Java WireMock; WireMock.Net's JsonMatcher would also take
/// a GUID in another letter case), and WireMock.Net matches, moves the scenarios on and answers.
/// </summary>
internal sealed class StubServer : IDisposable
{
    private readonly WireMockServer _server;

    private StubServer(WireMockServer server, string host, int count)
    {
        _server = server;
        Url = $"http://{host}:{server.Ports[0]}";
        Count = count;
    }

    /// <summary>The base URL it listens on (no trailing slash).</summary>
    public string Url { get; }

    /// <summary>How many mappings it serves.</summary>
    public int Count { get; }

    /// <summary>
    /// Starts WireMock.Net on <paramref name="host"/>:<paramref name="port"/> (0: a free port) serving
    /// <paramref name="mappings"/>, with its admin API under <c>/__admin</c> (<c>POST /__admin/scenarios/reset</c>
    /// puts every scenario back to its start, as in Java WireMock).
    /// </summary>
    public static StubServer Start(IReadOnlyList<StubMapping> mappings, string host = "127.0.0.1", int port = 0)
    {
        var address = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
        var server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = [$"http://{address}:{port}"],
            StartAdminInterface = true,
            ReadStaticMappings = false,
            Logger = new WireMockNullLogger(),
        });
        try
        {
            foreach (var mapping in mappings)
            {
                Add(server, mapping);
            }
        }
        catch
        {
            server.Stop();
            server.Dispose();
            throw;
        }
        return new StubServer(server, address, mappings.Count);
    }

    /// <summary>Puts every scenario back to its start.</summary>
    public void ResetScenarios() => _server.ResetScenarios();

    /// <inheritdoc />
    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
    }

    private static void Add(WireMockServer server, StubMapping mapping)
    {
        // One predicate per part of the request: WireMock.Net weighs every matcher of every mapping for each request,
        // so each is cheap, and a request's body is parsed once however many mappings look at it.
        var request = Request.Create();
        var url = Uri.UnescapeDataString(mapping.Url);
        request = mapping.UrlKind switch
        {
            "url" => request.WithUrl(u => Uri.UnescapeDataString(PathAndQuery(u)) == url),
            "urlPath" => request.WithPath(p => p == url),
            "urlPattern" => request.WithUrl(u => WholeMatch(mapping.Url, Uri.UnescapeDataString(PathAndQuery(u)))),
            _ => request.WithPath(p => WholeMatch(mapping.Url, p)),
        };
        request = mapping.Method == "ANY" ? request.UsingAnyMethod() : request.UsingMethod(mapping.Method);
        if (mapping.Headers.Count > 0)
        {
            var rules = mapping.Headers.ToArray();
            request = request.WithHeader(headers => rules.All(rule => Holds(rule, Values(headers, rule.Name))));
        }
        if (mapping.Bodies.Count > 0)
        {
            var rules = mapping.Bodies.Select(BodyPredicate).ToArray();
            request = request.WithBody((IBodyData? body) => body is not null && rules.All(rule => rule(body)));
        }

        var response = Response.Create().WithStatusCode(mapping.Status);
        foreach (var header in mapping.ResponseHeaders.GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
        {
            response = response.WithHeader(header.Key, [.. header.Select(h => h.Value)]);
        }
        if (mapping.ResponseBody.Length > 0)
        {
            response = response.WithBody(mapping.ResponseBody);
        }

        var provider = server.Given(request);
        if (mapping.Name is not null)
        {
            provider = provider.WithTitle(mapping.Name);
        }
        if (mapping.Priority is { } priority)
        {
            provider = provider.AtPriority(priority);
        }
        if (mapping.Scenario is not null)
        {
            if (mapping.RequiredState is null)
            {
                throw new MappingException($"{mapping.Source}: a scenario mapping without requiredScenarioState (any state) is not supported by mpsd stub");
            }
            // WireMock.Net's scenario starts with no state, where Java WireMock's is "Started"; a mapping without a
            // next state sends WireMock.Net's back to the start, where Java WireMock's stays.
            var start = mapping.RequiredState == MappingWriter.StartState;
            provider = provider.InScenario(mapping.Scenario);
            if (!start)
            {
                provider = provider.WhenStateIs(mapping.RequiredState);
            }
            var next = mapping.NewState ?? mapping.RequiredState;
            if (next != MappingWriter.StartState)
            {
                provider = provider.WillSetStateTo(next);
            }
        }
        provider.RespondWith(response);
    }

    // Java WireMock's body matchers: equalToJson (the same JSON value, objects' keys in any order), equalTo (the same
    // text), contains, matches (the whole body), binaryEqualTo (the same bytes).
    private static Func<IBodyData, bool> BodyPredicate(BodyRule rule)
    {
        switch (rule.Kind)
        {
            case "equalToJson":
                var expected = JsonNode.Parse(rule.Value);
                return body => ParsedJson(body) is { } parsed && JsonNode.DeepEquals(parsed.Node, expected);
            case "binaryEqualTo":
                var bytes = Convert.FromBase64String(rule.Value);
                return body => Bytes(body).AsSpan().SequenceEqual(bytes);
            default:
                return body => BodyText(body) is { } text && rule.Kind switch
                {
                    "equalTo" => text == rule.Value,
                    "contains" => text.Contains(rule.Value, StringComparison.Ordinal),
                    _ => WholeMatch(rule.Value, text),
                };
        }
    }

    private static byte[] Bytes(IBodyData body) => body.BodyAsBytes ?? (body.BodyAsString is { } text ? Encoding.UTF8.GetBytes(text) : []);

    private static string? BodyText(IBodyData body) => body.BodyAsString ?? (body.BodyAsBytes is { } bytes ? Encoding.UTF8.GetString(bytes) : null);

    // A request's body parsed once (a request's body data is one object however many mappings look at it); null
    // when it is not JSON.
    private static ParsedBody? ParsedJson(IBodyData body) => ParsedBodies.GetValue(body, data =>
    {
        try
        {
            return BodyText(data) is { } text ? new ParsedBody(JsonNode.Parse(text)) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    });

    private static readonly ConditionalWeakTable<IBodyData, ParsedBody?> ParsedBodies = new();

    private sealed record ParsedBody(JsonNode? Node);

    private static bool Holds(HeaderRule rule, string[] values) => rule.Kind switch
    {
        "absent" => values.Length == 0,
        "equalTo" => values.Contains(rule.Value, StringComparer.Ordinal),
        "contains" => values.Any(v => v.Contains(rule.Value!, StringComparison.Ordinal)),
        _ => values.Any(v => WholeMatch(rule.Value!, v)),
    };

    private static string[] Values(IDictionary<string, string[]>? headers, string name) =>
        headers?.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).SelectMany(h => h.Value).ToArray() ?? [];

    // Java WireMock's "matches" is a match of the whole value.
    private static bool WholeMatch(string pattern, string value) => Regex.IsMatch(value, WholePattern(pattern), RegexOptions.None, TimeSpan.FromSeconds(1));

    private static string WholePattern(string pattern) => $"^(?:{pattern})$";

    // WireMock.Net hands a URL matcher the absolute URL.
    private static string PathAndQuery(string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        var path = scheme < 0 ? 0 : url.IndexOf('/', scheme + 3);
        return path < 0 ? "/" : url[path..];
    }
}
