using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using MpsdConformance.Contract;

namespace MpsdConformance.Harness;

/// <summary>
/// The target under test, as the scenarios call it: the session URLs and the verbs (PUT, GET, DELETE ...) of
/// every identity, through an HTTP pipeline that records and redacts every exchange
/// (<see cref="RecordingHandler"/>), checks it against the contract (<see cref="ContractCheckingHandler"/>),
/// times out, retries and paces (<see cref="ResilienceHandler"/>). It only talks HTTP: whoever hosts the run
/// starts the embedded reference server, if any, and hands over its profile.
/// </summary>
public sealed class Target : IDisposable
{
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, int> _failuresInARow = new(StringComparer.Ordinal);
    private string? _stopReason;

    private Target(TargetProfile profile, HarnessSettings settings, WireRecorder? recorder)
    {
        Profile = profile;
        Settings = settings;
        Redactor = new Redactor(profile.Secrets);
        var checks = new ContractCheckingHandler(ContractValidator.Shared(), Redactor, RequirementLedger.Shared());
        HttpMessageHandler socket = new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            MaxResponseHeadersLength = settings.MaxHeaderKiB,
        };
        if (recorder is not null)
        {
            var wire = recorder.Handler(Redactor);
            wire.InnerHandler = socket;
            socket = wire;
        }
        checks.InnerHandler = new ResilienceHandler(settings, checks.CheckRetried) { InnerHandler = socket };
        var pipeline = new RecordingHandler(Redactor) { InnerHandler = checks };
        _http = new HttpClient(pipeline) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The profile in use.</summary>
    public TargetProfile Profile { get; }

    /// <summary>The settings in use.</summary>
    public HarnessSettings Settings { get; }

    /// <summary>Masks the profile's secrets.</summary>
    public Redactor Redactor { get; }

    /// <summary>
    /// Why the run stopped sending (the target stalled, the run's deadline passed, it was interrupted), or null while
    /// it sends. Once set, every request fails at once, without touching the network, and ends its scenario inconclusive.
    /// </summary>
    public string? StopReason => Volatile.Read(ref _stopReason);

    /// <summary>Raised once, when the run stops sending (<see cref="Stop"/>), with the reason.</summary>
    public event Action<string>? Stopped;

    /// <summary>
    /// Stops sending for the rest of the run: requests in flight are cancelled, later ones fail at once. The first
    /// reason given is kept; returns whether this call stopped it.
    /// </summary>
    public bool Stop(string reason)
    {
        if (Interlocked.CompareExchange(ref _stopReason, reason, null) is not null)
        {
            return false;
        }
        _stopping.Cancel();
        Stopped?.Invoke(reason);
        return true;
    }

    /// <summary>Findings of the current scenario (schema and invariant problems of responses).</summary>
    public static IReadOnlyList<ContractFinding>? Findings => ScenarioState.Current?.Findings;

    /// <summary>
    /// A client for the target the profile describes; with a <paramref name="recorder"/>, every exchange on the wire
    /// is kept in it too, in full and redacted.
    /// </summary>
    public static Target Connect(TargetProfile profile, HarnessSettings settings, WireRecorder? recorder = null) => new(profile, settings, recorder);

    /// <summary>
    /// A new, unique session of a template role (open unless said otherwise), remembered for cleanup. Its name
    /// is a new GUID, which every reading of PUT-CREATE-201 accepts (the PUT page types sessionName as a GUID),
    /// unless <paramref name="name"/> gives another.
    /// </summary>
    public SessionRef NewSession(string role = "open", string? name = null)
    {
        var template = Profile.Template(role) ?? throw new InvalidOperationException($"the profile has no '{role}' template");
        var session = new SessionRef(template, name ?? Guid.NewGuid().ToString());
        ScenarioState.Current?.Add(session);
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

    /// <summary>
    /// Any request. Headers named here override the caller's; an empty value removes a header. A body with a
    /// <paramref name="bodyKind"/> must be valid against that schema; without one it is sent as it is.
    /// </summary>
    public Task<MpsdResponse> Send(HttpMethod method, string url, Identity? caller, string? body, SchemaKind? bodyKind,
        (string Name, string Value)[] headers, bool quiet = false) =>
        Send(method, url, caller, body is null ? null : Encoding.UTF8.GetBytes(body), bodyKind, headers, quiet);

    /// <summary>A request whose body is raw bytes (invalid UTF-8, a byte-order mark ...), sent as application/json and never schema-checked.</summary>
    public Task<MpsdResponse> SendBytes(HttpMethod method, string url, Identity? caller, byte[]? body, params (string Name, string Value)[] headers) =>
        Send(method, url, caller, body, null, headers, quiet: false);

    /// <summary>
    /// Up to <paramref name="count"/> GETs by <paramref name="caller"/> of one session that does not exist (a new GUID
    /// name of the open template: nothing is created, nothing is left to clean up), in waves of
    /// <paramref name="parallel"/> at once, a 429 or 503 never retried; it stops after the wave that met the first
    /// refusal: a 429 or 503, or an error status the first answer did not have (the same request, now refused). Only
    /// the first exchange and the first refusal are recorded, so a burst does not flood the reports.
    /// </summary>
    public async Task<BurstResult> Burst(Identity caller, int count, int parallel = 8)
    {
        var url = Url(new SessionRef(Profile.Template("open")!, Guid.NewGuid().ToString()));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var statuses = new List<int>();
        MpsdResponse? refusal = null;
        while (statuses.Count < count && refusal is null)
        {
            var quiet = statuses.Count > 0;
            var wave = quiet ? Math.Min(parallel, count - statuses.Count) : 1;
            var answers = await Task.WhenAll(Enumerable.Range(0, wave).Select(_ => Send(HttpMethod.Get, url, caller, null, null, [], quiet, noRetry: true)));
            foreach (var answer in answers)
            {
                statuses.Add((int)answer.Status);
                if (refusal is null && BurstResult.IsRefusal((int)answer.Status, statuses[0]))
                {
                    refusal = answer;
                    if (quiet)
                    {
                        ScenarioState.Current?.Add(answer.Exchange);
                    }
                }
            }
        }
        return new BurstResult(statuses, refusal, clock.Elapsed);
    }

    private async Task<MpsdResponse> Send(HttpMethod method, string url, Identity? caller, byte[]? body, SchemaKind? bodyKind,
        (string Name, string Value)[] headers, bool quiet, bool noRetry = false)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
            if (bodyKind is { } kind)
            {
                request.Options.Set(ContractCheckingHandler.BodyKindKey, kind);
            }
        }
        foreach (var (name, value) in Headers(caller, headers))
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
        request.Options.Set(ResilienceHandler.NoRetryKey, noRetry);
        if (StopReason is { } before)
        {
            throw new InconclusiveException(before);
        }
        try
        {
            using var response = await _http.SendAsync(request, _stopping.Token);
            Answered(method);
            var text = await response.Content.ReadAsStringAsync();
            var exchange = (quiet
                ? request.Options.TryGetValue(RecordingHandler.QuietExchangeKey, out var kept) ? kept : null
                : ScenarioState.Current?.LastExchange) ?? PlaceholderExchange(method, url);
            return new MpsdResponse(response.StatusCode, response.Headers, response.Content.Headers, text, exchange);
        }
        catch (Exception e) when (StopReason is { } stopped && e is OperationCanceledException or HttpRequestException or TimeoutException)
        {
            throw new InconclusiveException(stopped);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException)
        {
            var exchange = ScenarioState.Current?.LastExchange;
            if (e is HttpRequestException { HttpRequestError: HttpRequestError.ConfigurationLimitExceeded })
            {
                // An answer over the size caps is an answer: the scenario fails on it, and the target is not stalled.
                Answered(method);
            }
            else
            {
                Failed(method, url, e);
            }
            throw new TargetUnreachableException($"{method} {Redactor.Redact(url)}: {Redactor.Redact(TargetUnreachableException.Why(e))}\n{exchange?.Describe()}", e);
        }
    }

    /// <summary>
    /// Leaves every session the current scenario made, as every user, whatever the outcome (and as the
    /// unprivileged user too when the scenario sent requests as that user). Returns what could not be cleaned up
    /// (reported, never hidden).
    /// </summary>
    public async Task<List<string>> CleanUpAsync()
    {
        var problems = new List<string>();
        var state = ScenarioState.Current;
        var leaving = Profile.Users.ToList();
        if (Profile.Unprivileged is { } unprivileged && state?.Exchanges.Any(e => e.Caller == unprivileged.Name) == true)
        {
            leaving.Add(unprivileged);
        }
        var sent = state?.Exchanges.Select(e => e.Url).ToList() ?? [];
        foreach (var session in state?.Sessions ?? [])
        {
            if (StopReason is not null && !sent.Any(url => url.Contains($"/sessions/{session.Name}", StringComparison.Ordinal)))
            {
                continue; // never sent to the target once the run stopped: nothing to remove
            }
            foreach (var user in leaving)
            {
                try
                {
                    var response = await Send(HttpMethod.Delete, Url(session, "/members/me"), user, (byte[]?)null, null, [], quiet: true);
                    if ((int)response.Status >= 500 || response.Status is HttpStatusCode.Unauthorized)
                    {
                        problems.Add($"{session}: leaving as {user.Name} answered {(int)response.Status}");
                    }
                }
                catch (TargetUnreachableException e)
                {
                    problems.Add($"{session}: leaving as {user.Name} failed: {e.Message.Split('\n')[0]}");
                }
                catch (InconclusiveException e)
                {
                    // The run stopped sending: the session stays, and the reports say so.
                    problems.Add($"{session}: not removed, {e.Message}");
                    break;
                }
            }
        }
        state?.ForgetSessions();
        return problems;
    }

    /// <summary>The target as results describe it: no secrets.</summary>
    public TargetDescription Describe() =>
        new(Redactor.Redact(Profile.BaseUrl.ToString()), Profile.Scid, Profile.ContractVersion, Profile.Source,
            new Dictionary<string, string>(Profile.Templates), Profile.Users.Select(u => u.Name).ToList(), Profile.Server is not null);

    /// <inheritdoc />
    public void Dispose()
    {
        _http.Dispose();
        _stopping.Dispose();
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "...";

    private void Answered(HttpMethod method)
    {
        lock (_failuresInARow)
        {
            _failuresInARow.Remove(method.Method);
        }
    }

    /// <summary>Counts a timeout or connection failure; the <see cref="HarnessSettings.StallAfter"/>th of one method in a row stops the run.</summary>
    private void Failed(HttpMethod method, string url, Exception e)
    {
        int count;
        lock (_failuresInARow)
        {
            count = _failuresInARow[method.Method] = _failuresInARow.GetValueOrDefault(method.Method) + 1;
        }
        // Exactly one failure is the StallAfter-th (counted under the lock): it names the stop, whatever order the
        // failures in flight together reach this line in.
        if (Settings.StallAfter > 0 && count == Settings.StallAfter)
        {
            Stop($"the target stopped answering after {count} timeouts or connection failures in a row (the last: {method} {Redactor.Redact(url)}: "
                + $"{Shorten(Redactor.Redact(TargetUnreachableException.Why(e).Split('\n')[0]))})");
        }
    }

    private Dictionary<string, string> Headers(Identity? caller, (string Name, string Value)[] headers)
    {
        var all = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["X-Xbl-Contract-Version"] = Profile.ContractVersion.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in caller?.Headers ?? new Dictionary<string, string>())
        {
            all[name] = value;
        }
        foreach (var (name, value) in headers)
        {
            all[name] = value;
        }
        return all.Where(h => h.Value.Length > 0).ToDictionary(StringComparer.OrdinalIgnoreCase);
    }

    private Exchange PlaceholderExchange(HttpMethod method, string url) =>
        new(DateTimeOffset.UtcNow, method.Method, Redactor.Redact(url), [], null, null, null, [], null, 0, null, "?");
}

/// <summary>What a burst met (<see cref="Target.Burst"/>).</summary>
/// <param name="Statuses">Every answer's status, in the order the requests were sent.</param>
/// <param name="FirstRefusal">The first 429 or 503 answer, or null when none came.</param>
/// <param name="Elapsed">How long the burst took.</param>
public sealed record BurstResult(IReadOnlyList<int> Statuses, MpsdResponse? FirstRefusal, TimeSpan Elapsed)
{
    /// <summary>The 1-based number of the request the first refusal answered, or null.</summary>
    public int? RefusedAt
    {
        get
        {
            var index = Statuses.Count == 0 ? -1 : Statuses.ToList().FindIndex(status => IsRefusal(status, Statuses[0]));
            return index < 0 ? null : index + 1;
        }
    }

    /// <summary>A refusal within a burst: a 429 or 503, or an error status the burst's first answer did not have.</summary>
    public static bool IsRefusal(int status, int first) => status is 429 or 503 || (status >= 400 && status != first);
}
