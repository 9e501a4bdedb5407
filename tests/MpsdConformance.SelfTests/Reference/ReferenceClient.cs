using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using MpsdConformance.Contract;
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

/// <summary>Starts a reference server and talks to it as the built-in identities.</summary>
internal sealed class ReferenceClient : IAsyncDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };

    private ReferenceClient(ReferenceServer server) => Server = server;

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
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        }
        var contractSet = false;
        foreach (var (name, value) in headers)
        {
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.Remove("Content-Type");
                request.Content.Headers.TryAddWithoutValidation("Content-Type", value);
                continue;
            }
            contractSet |= name.Equals("X-Xbl-Contract-Version", StringComparison.OrdinalIgnoreCase);
            request.Headers.TryAddWithoutValidation(name, value);
        }
        if (!contractSet)
        {
            request.Headers.TryAddWithoutValidation("X-Xbl-Contract-Version", "107");
        }
        if (who is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", $"XBL3.0 x={who.UserHash};{who.Token}");
        }
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var reply = new Reply(response.StatusCode, response.Headers, response.Content.Headers, text);
        CheckInvariants(reply);
        return reply;
    }

    /// <summary>Every session the server sends must be a valid response document with a consistent member list.</summary>
    private static void CheckInvariants(Reply reply)
    {
        var overloaded = reply.Status == HttpStatusCode.ServiceUnavailable && reply.Headers.RetryAfter is not null;
        Assert.That((int)reply.Status < 500 || overloaded, Is.True, $"the reference server answered {reply}");
        if (reply.MediaType != "application/json")
        {
            return;
        }
        var report = ContractValidator.Shared(Repo.Schemas).Validate(SchemaKind.Response, reply.Body);
        Assert.That(report.IsValid, Is.True, $"response breaks the response schema: {report.Problem ?? string.Join("; ", report.Violations)}");
        Assert.That(reply.ETag, Is.Not.Null.And.Not.Empty, "every session response carries an ETag");
        Assert.That(SessionInvariants.Check(reply.Session), Is.Empty);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Server.DisposeAsync();
    }
}

/// <summary>Consistency rules no schema can express.</summary>
internal static class SessionInvariants
{
    public static List<string> Check(JsonObject session)
    {
        var problems = new List<string>();
        var members = session["members"] as JsonObject ?? [];
        if (session["membersInfo"] is not JsonObject info)
        {
            if (members.Count > 0)
            {
                problems.Add("members without membersInfo");
            }
            return problems;
        }
        int first = (int)info["first"]!, next = (int)info["next"]!, count = (int)info["count"]!, accepted = (int)info["accepted"]!;
        var visited = 0;
        var at = first;
        var previous = -1;
        while (at != next && visited <= members.Count)
        {
            if (members[at.ToString(System.Globalization.CultureInfo.InvariantCulture)] is not JsonObject member)
            {
                problems.Add($"linked list points at missing member {at}");
                break;
            }
            if (at <= previous)
            {
                problems.Add($"member indexes do not grow along the list ({previous} then {at})");
            }
            visited++;
            previous = at;
            at = (int)member["next"]!;
        }
        if (visited != count || members.Count != count)
        {
            problems.Add($"count {count}, list walks {visited}, members has {members.Count}");
        }
        var notReserved = members.Count(m => m.Value?["reserved"] is null);
        if (notReserved != accepted)
        {
            problems.Add($"accepted {accepted}, members not reserved {notReserved}");
        }
        if (members.Count > 0 && members.Select(m => int.Parse(m.Key, System.Globalization.CultureInfo.InvariantCulture)).Max() >= next)
        {
            problems.Add("a member index is not below membersInfo.next");
        }
        return problems;
    }
}
