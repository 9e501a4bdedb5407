using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MpsdConformance.Contract;
using MpsdConformance.Reference;

namespace MpsdConformance.Harness;

/// <summary>A session the suite made: its template and unique name.</summary>
public sealed record SessionRef(string Template, string Name)
{
    /// <inheritdoc />
    public override string ToString() => $"{Template}/{Name}";
}

/// <summary>A response, read once.</summary>
public sealed class MpsdResponse
{
    internal MpsdResponse(HttpStatusCode status, HttpResponseHeaders headers, HttpContentHeaders content, string body, Exchange exchange)
    {
        Status = status;
        Headers = headers;
        ContentHeaders = content;
        Body = body;
        Exchange = exchange;
        if (MediaType == "application/json" && body.Length > 0)
        {
            try
            {
                Session = JsonNode.Parse(body) as JsonObject;
            }
            catch (JsonException)
            {
                Session = null;
            }
        }
    }

    /// <summary>The status code.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>Response headers.</summary>
    public HttpResponseHeaders Headers { get; }

    /// <summary>Content headers (Content-Type, Expires ...).</summary>
    public HttpContentHeaders ContentHeaders { get; }

    /// <summary>The body text.</summary>
    public string Body { get; }

    /// <summary>The session document, when the body is one.</summary>
    public JsonObject? Session { get; }

    /// <summary>The redacted exchange, for messages.</summary>
    public Exchange Exchange { get; }

    /// <summary>The ETag header value as sent (quotes kept), or null.</summary>
    public string? ETag => Headers.TryGetValues("ETag", out var values) ? values.FirstOrDefault() : null;

    /// <summary>The media type of the body, or null.</summary>
    public string? MediaType => ContentHeaders.ContentType?.MediaType;
}

/// <summary>A problem with a response that a schema or an invariant finds, tied to ledger IDs.</summary>
public sealed record ContractFinding(string Requirement, string Message, string Url);

/// <summary>
/// The target under test: its profile, an HTTP client that records, redacts, times out and retries, and
/// the contract checks every request and response goes through. With no profile it starts the embedded
/// reference server.
/// </summary>
public sealed class Target : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly ReferenceServer? _embedded;
    private readonly ContractValidator _validator;
    private static readonly AsyncLocal<List<ContractFinding>?> CurrentFindings = new();
    private static readonly AsyncLocal<List<SessionRef>?> CurrentSessions = new();

    private Target(TargetProfile profile, HarnessSettings settings, ReferenceServer? embedded)
    {
        Profile = profile;
        Settings = settings;
        _embedded = embedded;
        Redactor = new Redactor(profile.Secrets);
        _validator = ContractValidator.Shared();
        var pipeline = new RecordingHandler(Redactor)
        {
            InnerHandler = new ResilienceHandler(settings) { InnerHandler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) } },
        };
        _http = new HttpClient(pipeline) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The profile in use.</summary>
    public TargetProfile Profile { get; }

    /// <summary>The settings in use.</summary>
    public HarnessSettings Settings { get; }

    /// <summary>Masks the profile's secrets.</summary>
    public Redactor Redactor { get; }

    /// <summary>True when the target is the embedded reference server.</summary>
    public bool IsEmbedded => _embedded is not null;

    /// <summary>Findings of the current test flow (schema and invariant problems of responses).</summary>
    public static List<ContractFinding>? Findings => CurrentFindings.Value;

    /// <summary>Starts (or connects to) the target the settings describe.</summary>
    public static async Task<Target> StartAsync(HarnessSettings settings)
    {
        if (!string.IsNullOrWhiteSpace(settings.ProfilePath))
        {
            var loaded = TargetProfile.Load(settings.ProfilePath);
            return new Target(settings.ProfileLabel is { Length: > 0 } label ? loaded.WithSource(label) : loaded, settings, null);
        }
        var server = await ReferenceServer.StartAsync(new ReferenceOptions());
        var profile = TargetProfile.Parse(server.TargetProfileJson(), "embedded reference server", _ => null);
        return new Target(profile, settings, server);
    }

    /// <summary>Begins a test: fresh exchange log, findings and cleanup list for this flow.</summary>
    public static void BeginTest()
    {
        ExchangeLog.Begin();
        CurrentFindings.Value = [];
        CurrentSessions.Value = [];
    }

    /// <summary>A new, unique session of a template role (open unless said otherwise), remembered for cleanup.</summary>
    public SessionRef NewSession(string role = "open")
    {
        var template = Profile.Template(role) ?? throw new InvalidOperationException($"the profile has no '{role}' template");
        var session = new SessionRef(template, "mpsdc-" + Guid.NewGuid().ToString("N"));
        CurrentSessions.Value?.Add(session);
        return session;
    }

    /// <summary>The session URL (optionally with a sub-resource such as /properties).</summary>
    public string Url(SessionRef session, string suffix = "", string sessionTemplatesSegment = "sessiontemplates") =>
        $"{Profile.BaseUrl.ToString().TrimEnd('/')}/serviceconfigs/{Profile.Scid}/{sessionTemplatesSegment}/{session.Template}/sessions/{session.Name}{suffix}";

    /// <summary>PUT a session body; it must be valid against request.schema.json (see <see cref="PutRaw"/>).</summary>
    public Task<MpsdResponse> Put(Identity caller, SessionRef session, string body, params (string Name, string Value)[] headers) =>
        Send(HttpMethod.Put, Url(session), caller, body, SchemaKind.Request, headers);

    /// <summary>PUT a body that is deliberately broken (not checked against the schema first).</summary>
    public Task<MpsdResponse> PutRaw(Identity caller, SessionRef session, string body, string contentType = "application/json", params (string Name, string Value)[] headers) =>
        Send(HttpMethod.Put, Url(session), caller, body, null, [("Content-Type", contentType), .. headers]);

    /// <summary>PUT .../properties with a property bag.</summary>
    public Task<MpsdResponse> PutProperties(Identity caller, SessionRef session, string body, params (string Name, string Value)[] headers) =>
        Send(HttpMethod.Put, Url(session, "/properties"), caller, body, SchemaKind.Properties, headers);

    /// <summary>GET the session.</summary>
    public Task<MpsdResponse> Get(Identity caller, SessionRef session, params (string Name, string Value)[] headers) =>
        Send(HttpMethod.Get, Url(session), caller, null, null, headers);

    /// <summary>DELETE .../members/me.</summary>
    public Task<MpsdResponse> DeleteMe(Identity caller, SessionRef session, params (string Name, string Value)[] headers) =>
        Send(HttpMethod.Delete, Url(session, "/members/me"), caller, null, null, headers);

    /// <summary>DELETE .../members/{index}.</summary>
    public Task<MpsdResponse> DeleteMember(Identity caller, SessionRef session, int index) =>
        Send(HttpMethod.Delete, Url(session, $"/members/{index}"), caller, null, null, []);

    /// <summary>DELETE .../servers/{name}.</summary>
    public Task<MpsdResponse> DeleteServer(Identity caller, SessionRef session, string name) =>
        Send(HttpMethod.Delete, Url(session, $"/servers/{name}"), caller, null, null, []);

    /// <summary>Any request. Headers named here override the caller's; an empty value removes a header.</summary>
    public async Task<MpsdResponse> Send(HttpMethod method, string url, Identity? caller, string? body, SchemaKind? bodyKind,
        (string Name, string Value)[] headers, bool quiet = false)
    {
        if (body is not null && bodyKind is { } kind)
        {
            var report = _validator.Validate(kind, body);
            if (!report.IsValid)
            {
                throw new InvalidOperationException($"the suite built a {kind} body the contract refuses ({report.Problem ?? string.Join("; ", report.Violations)}): a bug of the suite, not of the target");
            }
        }
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        }
        var all = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["X-Xbl-Contract-Version"] = Profile.ContractVersion.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in caller?.Headers ?? new Dictionary<string, string>())
        {
            all[name] = value;
        }
        foreach (var (name, value) in headers)
        {
            all[name] = value;
        }
        foreach (var (name, value) in all.Where(h => h.Value.Length > 0))
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.Remove("Content-Type");
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }
        request.Options.Set(RecordingHandler.CallerKey, caller?.Name ?? "anonymous");
        request.Options.Set(RecordingHandler.QuietKey, quiet);
        try
        {
            using var response = await _http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var exchange = quiet ? PlaceholderExchange(method, url) : ExchangeLog.Current?.LastOrDefault() ?? PlaceholderExchange(method, url);
            var result = new MpsdResponse(response.StatusCode, response.Headers, response.Content.Headers, text, exchange);
            if (!quiet)
            {
                Check(result);
            }
            return result;
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException)
        {
            var exchange = ExchangeLog.Current?.LastOrDefault();
            throw new TargetUnreachableException($"{method} {Redactor.Redact(url)}: {Redactor.Redact(e.Message)}\n{exchange?.Describe()}", e);
        }
    }

    private Exchange PlaceholderExchange(HttpMethod method, string url) =>
        new(DateTimeOffset.UtcNow, method.Method, Redactor.Redact(url), [], null, null, null, [], null, 0, null, "?");

    /// <summary>Schema and invariant checks on every session document the target sends.</summary>
    private void Check(MpsdResponse response)
    {
        var findings = CurrentFindings.Value;
        if (findings is null || response.MediaType != "application/json" || response.Body.Length == 0)
        {
            return;
        }
        var report = _validator.Validate(SchemaKind.Response, response.Body);
        lock (findings)
        {
            if (report.Problem is not null)
            {
                findings.Add(new ContractFinding("RESP-TOPLEVEL-FIELDS", "the JSON body is not JSON: " + report.Problem, response.Exchange.Url));
                return;
            }
            foreach (var violation in report.Violations)
            {
                findings.Add(new ContractFinding(violation.Requirement ?? "RESP-TOPLEVEL-FIELDS", violation.ToString(), response.Exchange.Url));
            }
            if (response.Session is { } session)
            {
                findings.AddRange(Invariants.Check(session).Select(f => f with { Url = response.Exchange.Url }));
            }
            if (response.ETag is null && response.Session is not null)
            {
                findings.Add(new ContractFinding("ETAG-PRESENT", $"{(int)response.Status} with a session but no ETag header", response.Exchange.Url));
            }
        }
    }

    /// <summary>
    /// Leaves every session the current test made, as every user, whatever the outcome. Returns what could
    /// not be cleaned up (reported, never hidden).
    /// </summary>
    public async Task<List<string>> CleanUpAsync()
    {
        var problems = new List<string>();
        var sessions = CurrentSessions.Value ?? [];
        foreach (var session in sessions.Distinct())
        {
            foreach (var user in Profile.Users)
            {
                try
                {
                    var response = await Send(HttpMethod.Delete, Url(session, "/members/me"), user, null, null, [], quiet: true);
                    if ((int)response.Status >= 500 || response.Status is HttpStatusCode.Unauthorized)
                    {
                        problems.Add($"{session}: leaving as {user.Name} answered {(int)response.Status}");
                    }
                }
                catch (TargetUnreachableException e)
                {
                    problems.Add($"{session}: leaving as {user.Name} failed: {e.Message.Split('\n')[0]}");
                }
            }
        }
        CurrentSessions.Value = [];
        return problems;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_embedded is not null)
        {
            await _embedded.DisposeAsync();
        }
    }
}

/// <summary>The target did not answer (refused, timed out, reset).</summary>
public sealed class TargetUnreachableException(string message, Exception inner) : Exception(message, inner);
