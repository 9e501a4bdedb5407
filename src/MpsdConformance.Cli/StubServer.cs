using System.Text.RegularExpressions;
using WireMock.Logging;
using WireMock.Matchers;
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
/// WireMock.Net's own request and response builders, scenarios included, and WireMock.Net matches and answers.
/// Requests are handled one at a time, so a scenario moves on in the order the requests arrive.
/// </summary>
internal sealed class StubServer : IDisposable
{
    private readonly WireMockServer _server;

    private StubServer(WireMockServer server, int count)
    {
        _server = server;
        Count = count;
    }

    /// <summary>The base URL it listens on (no trailing slash).</summary>
    public string Url => _server.Urls[0].TrimEnd('/');

    /// <summary>How many mappings it serves.</summary>
    public int Count { get; }

    /// <summary>
    /// Starts WireMock.Net on <paramref name="host"/>:<paramref name="port"/> (0: a free port) serving
    /// <paramref name="mappings"/>, with its admin API under <c>/__admin</c> (<c>POST /__admin/scenarios/reset</c>
    /// puts every scenario back to its start, as in Java WireMock).
    /// </summary>
    public static StubServer Start(IReadOnlyList<StubMapping> mappings, string host = "127.0.0.1", int port = 0)
    {
        var server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = [$"http://{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{port}"],
            StartAdminInterface = true,
            ReadStaticMappings = false,
            HandleRequestsSynchronously = true,
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
        return new StubServer(server, mappings.Count);
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
        foreach (var rule in mapping.Headers)
        {
            request = request.WithHeader(headers => Holds(rule, Values(headers, rule.Name)));
        }
        if (mapping.Bodies.Count > 0)
        {
            request = request.WithBody([.. mapping.Bodies.Select(Matcher)], MatchOperator.And);
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

    private static IMatcher Matcher(BodyRule rule) => rule.Kind switch
    {
        "equalToJson" => new JsonMatcher(rule.Value),
        "equalTo" => new ExactMatcher(rule.Value),
        "contains" => new RegexMatcher(Regex.Escape(rule.Value)),
        "matches" => new RegexMatcher(WholePattern(rule.Value)),
        _ => new ExactObjectMatcher(Convert.FromBase64String(rule.Value)),
    };

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
