using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using MpsdConformance.Reference;

namespace MpsdConformance.SelfTests.Reference;

/// <summary>A response, read once: status, headers, body text and (for JSON) the session.</summary>
internal sealed record Reply(HttpStatusCode Status, HttpResponseHeaders Headers, HttpContentHeaders? ContentHeaders, string Body)
{
    public JsonObject Session => JsonNode.Parse(Body)!.AsObject();

    public string? ETag => Headers.ETag?.Tag;

    public string? MediaType => ContentHeaders?.ContentType?.MediaType;

    public override string ToString() => $"{(int)Status} {Status}: {(Body.Length > 300 ? Body[..300] + "..." : Body)}";
}

/// <summary>
/// Starts a reference server and talks to it as the built-in identities, through the harness's own client
/// (<see cref="Target"/>): every exchange goes through the same recording and contract checks as a
/// certification run, and any finding (schema, member-list invariants, a missing ETag) or a 5xx fails the test.
/// </summary>
internal sealed class ReferenceClient : IAsyncDisposable
{
    // No retries: a 503 with Retry-After is what some tests are about; a generous timeout for slow machines.
    private static readonly HarnessSettings Settings = new() { MaxRetries = 0, RequestTimeout = TimeSpan.FromSeconds(20) };
    private readonly Target _target;

    private ReferenceClient(ReferenceServer server)
    {
        Server = server;
        _target = Target.Connect(TargetProfile.Parse(server.TargetProfileJson(), "reference server under test", _ => null), Settings);
    }

    public ReferenceServer Server { get; }

    public IdentityConfig Alice => Identity("alice");

    public IdentityConfig Bob => Identity("bob");

    public IdentityConfig Carol => Identity("carol");

    public IdentityConfig ServerPrincipal => Server.Config.Identities.Single(i => i.IsServer);

    public string Scid => Server.Config.Scids.Keys.First();

    public static async Task<ReferenceClient> StartAsync(ReferenceOptions? options = null) =>
        new(await ReferenceServer.StartAsync(options ?? new ReferenceOptions { SchemasDirectory = Repo.Schemas }));

    public IdentityConfig Identity(string name) => Server.Config.Identities.Single(i => i.Name == name);

    public static string NewName() => "s-" + Guid.NewGuid().ToString("N");

    public string Url(string name, string template = "quick", string suffix = "") =>
        $"{Server.BaseUrl.ToString().TrimEnd('/')}/serviceconfigs/{Scid}/sessiontemplates/{template}/sessions/{name}{suffix}";

    public static string Join(IdentityConfig who, string extra = "") =>
        "{\"members\":{\"me\":{\"constants\":{\"system\":{\"xuid\":\"" + who.Xuid + "\"}}" + extra + "}}}";

    public Task<Reply> Get(string url, IdentityConfig? who, params (string Name, string Value)[] headers) =>
        Send(HttpMethod.Get, url, who, null, headers);

    public Task<Reply> Put(string url, IdentityConfig? who, string body, params (string Name, string Value)[] headers) =>
        Send(HttpMethod.Put, url, who, body, headers);

    public Task<Reply> Delete(string url, IdentityConfig? who, params (string Name, string Value)[] headers) =>
        Send(HttpMethod.Delete, url, who, null, headers);

    public Task<Reply> Send(HttpMethod method, string url, IdentityConfig? who, string? body, params (string Name, string Value)[] headers) =>
        SendBytes(method, url, who, body is null ? null : Encoding.UTF8.GetBytes(body), headers);

    /// <summary>PUT raw bytes (invalid UTF-8, a byte-order mark ...) as application/json.</summary>
    public Task<Reply> PutBytes(string url, IdentityConfig who, byte[] body) => SendBytes(HttpMethod.Put, url, who, body);

    private async Task<Reply> SendBytes(HttpMethod method, string url, IdentityConfig? who, byte[]? body, params (string Name, string Value)[] headers)
    {
        var state = ScenarioState.Begin();
        // The identity as given, with its own token (a test may call one server with another server's identity).
        var caller = who is null ? null : new Identity(who.Name, who.Xuid,
            new Dictionary<string, string> { ["Authorization"] = $"XBL3.0 x={who.UserHash};{who.Token}" });
        var response = await _target.SendBytes(method, url, caller, body, headers);
        var reply = new Reply(response.Status, response.Headers, response.ContentHeaders, response.Body);
        var overloaded = reply.Status == HttpStatusCode.ServiceUnavailable && reply.Headers.RetryAfter is not null;
        Assert.That((int)reply.Status < 500 || overloaded, Is.True, $"the reference server answered {reply}");
        Assert.That(state.Findings.Select(f => $"{f.Requirement}: {f.Message}"), Is.Empty, $"the harness's contract checks on {method} {url}");
        ScenarioState.End();
        return reply;
    }

    public async ValueTask DisposeAsync()
    {
        _target.Dispose();
        await Server.DisposeAsync();
    }
}
