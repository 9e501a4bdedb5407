using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MpsdConformance.Harness;

/// <summary>An identity the suite calls the target with: a user (with a xuid) or the server principal.</summary>
/// <param name="Name">A name for reports (alice, bob, server).</param>
/// <param name="Xuid">The user's xuid, or null for the server principal.</param>
/// <param name="Headers">Headers sent with every request of this identity; every value is a secret.</param>
public sealed record Identity(string Name, string? Xuid, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>True for the server principal.</summary>
    public bool IsServer => Xuid is null;

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>
/// The permission to send a bounded burst of requests to find the target's fine-grained rate limit (RATE-429-503).
/// </summary>
/// <param name="Burst">The most requests the suite sends at once (2 to <see cref="TargetProfile.MaxBurst"/>).</param>
/// <param name="User">The user that sends them (the profile's <c>rateLimits.user</c>, else its first user).</param>
public sealed record RateLimitPermission(int Burst, Identity User);

/// <summary>
/// The one way to describe a target (ARCHITECTURE.md): base URL, scid, contract version, template roles,
/// users, an optional server principal, and the optional roles an opt-in scenario needs: a user without the
/// multiplayer privilege and the permission to burst into the rate limit. <c>${NAME}</c> is replaced from the
/// environment.
/// </summary>
public sealed partial class TargetProfile
{
    /// <summary>The largest burst a profile may allow (<c>rateLimits.burst</c>).</summary>
    public const int MaxBurst = 500;

    private static readonly string[] Fields = ["baseUrl", "scid", "contractVersion", "templates", "users", "server", "unprivileged", "rateLimits"];

    private TargetProfile(Uri baseUrl, string scid, int contractVersion, IReadOnlyDictionary<string, string> templates,
        IReadOnlyList<Identity> users, Identity? server, Identity? unprivileged, RateLimitPermission? rateLimits, string source)
    {
        BaseUrl = baseUrl;
        Scid = scid;
        ContractVersion = contractVersion;
        Templates = templates;
        Users = users;
        Server = server;
        Unprivileged = unprivileged;
        RateLimits = rateLimits;
        Source = source;
    }

    /// <summary>The target's base URL.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The service configuration id sessions live under.</summary>
    public string Scid { get; }

    /// <summary>Sent as X-Xbl-Contract-Version on every request.</summary>
    public int ContractVersion { get; }

    /// <summary>Template roles: <c>open</c> (required), <c>private</c> and others (optional).</summary>
    public IReadOnlyDictionary<string, string> Templates { get; }

    /// <summary>The user identities, at least three.</summary>
    public IReadOnlyList<Identity> Users { get; }

    /// <summary>The server principal, when the profile names one.</summary>
    public Identity? Server { get; }

    /// <summary>A user without the multiplayer privilege (<c>unprivileged</c>), when the profile names one.</summary>
    public Identity? Unprivileged { get; }

    /// <summary>The permission to burst into the rate limit (<c>rateLimits</c>), when the profile grants it.</summary>
    public RateLimitPermission? RateLimits { get; }

    /// <summary>Where the profile came from (a path, or "embedded reference server").</summary>
    public string Source { get; }

    /// <summary>Every identity the profile names: the users, the server principal and the unprivileged user.</summary>
    public IEnumerable<Identity> Identities =>
        Users.Concat(Server is null ? [] : [Server]).Concat(Unprivileged is null ? [] : [Unprivileged]);

    /// <summary>Every secret the profile holds: each header value of every identity (after substitution).</summary>
    public IReadOnlyList<string> Secrets =>
        Identities.SelectMany(i => i.Headers.Values).Where(v => v.Length > 0).Distinct().ToList();

    /// <summary>The same profile under another name for reports.</summary>
    public TargetProfile WithSource(string source) => new(BaseUrl, Scid, ContractVersion, Templates, Users, Server, Unprivileged, RateLimits, source);

    /// <summary>The template name for a role, or null when the profile lacks it.</summary>
    public string? Template(string role) => Templates.TryGetValue(role, out var name) ? name : null;

    /// <summary>Reads a profile file.</summary>
    public static TargetProfile Load(string path, Func<string, string?>? environment = null)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ProfileException($"target profile {path}: cannot be read ({e.Message})");
        }
        return Parse(text, path, environment);
    }

    /// <summary>Parses a profile; errors name the field, where the bad value came from, and the fix.</summary>
    public static TargetProfile Parse(string json, string source, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json) as JsonObject ?? throw new ProfileException($"target profile {source}: the file must hold a JSON object");
        }
        catch (JsonException e)
        {
            throw new ProfileException($"target profile {source}: not JSON ({e.Message})");
        }
        string Field(string name) => $"target profile {source}: {name}";
        foreach (var (key, _) in root)
        {
            if (!Fields.Contains(key))
            {
                throw new ProfileException($"{Field(key)}: unknown field; the fields are {string.Join(", ", Fields)}");
            }
        }
        var baseText = Text(root, "baseUrl", Field, environment);
        if (!Uri.TryCreate(baseText, UriKind.Absolute, out var baseUrl) || (baseUrl.Scheme != "http" && baseUrl.Scheme != "https"))
        {
            throw new ProfileException($"{Field("baseUrl")}: '{baseText}' is not an http(s) URL; write e.g. \"http://127.0.0.1:5080\"");
        }
        var scid = Text(root, "scid", Field, environment);
        if (!Guid.TryParse(scid, out _))
        {
            throw new ProfileException($"{Field("scid")}: '{scid}' is not a GUID; copy the service configuration id of your title");
        }
        var contractVersion = 107;
        if (root["contractVersion"] is { } versionNode)
        {
            if (versionNode is not JsonValue v || !v.TryGetValue(out contractVersion) || contractVersion < 104)
            {
                throw new ProfileException($"{Field("contractVersion")}: a whole number, 104 or later (107 is current)");
            }
        }
        if (root["templates"] is not JsonObject templatesNode)
        {
            throw new ProfileException($"{Field("templates")}: required; an object of roles, e.g. {{\"open\": \"quick\", \"private\": \"closed-club\"}}");
        }
        var templates = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (role, value) in templatesNode)
        {
            templates[role] = value is JsonValue tv && tv.TryGetValue(out string? name) && name.Length > 0
                ? name
                : throw new ProfileException($"{Field($"templates.{role}")}: a template name (string)");
        }
        if (!templates.ContainsKey("open"))
        {
            throw new ProfileException($"{Field("templates.open")}: required: an open template (maxMembersCount >= 4, sessionEmptyTimeout 0)");
        }
        if (root["users"] is not JsonArray usersNode || usersNode.Count < 3)
        {
            throw new ProfileException($"{Field("users")}: at least three users, each {{\"name\", \"xuid\", \"headers\"}}");
        }
        var users = new List<Identity>();
        for (var i = 0; i < usersNode.Count; i++)
        {
            users.Add(User(usersNode[i], $"users[{i}]", Field, environment));
        }
        if (users.Select(u => u.Xuid).Distinct().Count() != users.Count)
        {
            throw new ProfileException($"{Field("users")}: every user needs a different xuid");
        }
        Identity? server = null;
        if (root["server"] is JsonObject serverNode)
        {
            server = new Identity("server", null, Headers(serverNode, "server.headers", Field, environment));
        }
        else if (root["server"] is not null)
        {
            throw new ProfileException($"{Field("server")}: an object {{\"headers\": {{...}}}}, or leave it out");
        }
        Identity? unprivileged = null;
        if (root["unprivileged"] is { } unprivilegedNode)
        {
            unprivileged = User(unprivilegedNode, "unprivileged", Field, environment);
            if (users.Any(u => u.Xuid == unprivileged.Xuid))
            {
                throw new ProfileException($"{Field("unprivileged.xuid")}: the user without the multiplayer privilege must be another account than every user of users");
            }
        }
        var rateLimits = root["rateLimits"] is { } rateNode ? ParseRateLimits(rateNode, users, Field) : null;
        return new TargetProfile(baseUrl, scid, contractVersion, templates, users, server, unprivileged, rateLimits, source);
    }

    private static Identity User(JsonNode? node, string where, Func<string, string> field, Func<string, string?> environment)
    {
        if (node is not JsonObject user)
        {
            throw new ProfileException($"{field(where)}: an object {{\"name\", \"xuid\", \"headers\"}}");
        }
        var name = Text(user, "name", n => field($"{where}.{n}"), environment);
        var xuid = Text(user, "xuid", n => field($"{where}.{n}"), environment);
        if (xuid.Length is 0 or > 20 || !xuid.All(char.IsAsciiDigit))
        {
            throw new ProfileException($"{field($"{where}.xuid")}: a xuid is a decimal number written as a string, e.g. \"2814650000000001\"");
        }
        return new Identity(name, xuid, Headers(user, $"{where}.headers", field, environment));
    }

    private static RateLimitPermission ParseRateLimits(JsonNode node, List<Identity> users, Func<string, string> field)
    {
        if (node is not JsonObject rate)
        {
            throw new ProfileException($"{field("rateLimits")}: an object {{\"burst\": 60, \"user\": \"{users[0].Name}\"}} that lets the suite send a burst to find the rate limit, or leave it out");
        }
        foreach (var (key, _) in rate)
        {
            if (key is not ("burst" or "user"))
            {
                throw new ProfileException($"{field($"rateLimits.{key}")}: unknown field; the fields are burst and user");
            }
        }
        if (rate["burst"] is not JsonValue burstValue || !burstValue.TryGetValue(out int burst) || burst is < 2 or > MaxBurst)
        {
            throw new ProfileException($"{field("rateLimits.burst")}: a whole number from 2 to {MaxBurst}: the most requests the suite may send at once to find the rate limit (more than the limit, so it is met)");
        }
        var user = users[0];
        if (rate["user"] is { } userNode)
        {
            var name = userNode is JsonValue nameValue && nameValue.TryGetValue(out string? text) ? text : null;
            user = users.FirstOrDefault(u => u.Name == name)
                ?? throw new ProfileException($"{field("rateLimits.user")}: the name of one of users ({string.Join(", ", users.Select(u => u.Name))}), or leave it out for the first");
        }
        return new RateLimitPermission(burst, user);
    }

    private static string Text(JsonObject node, string name, Func<string, string> field, Func<string, string?> environment)
    {
        if (node[name] is not JsonValue value || !value.TryGetValue(out string? text))
        {
            throw new ProfileException($"{field(name)}: required (a string)");
        }
        return Substitute(text, field(name), environment);
    }

    private static Dictionary<string, string> Headers(JsonObject node, string where, Func<string, string> field, Func<string, string?> environment)
    {
        if (node["headers"] is not JsonObject headers || headers.Count == 0)
        {
            throw new ProfileException($"{field(where)}: required: the headers that identify this caller, e.g. {{\"Authorization\": \"XBL3.0 x=...;${{TOKEN}}\"}}");
        }
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            result[name] = value is JsonValue v && v.TryGetValue(out string? text)
                ? Substitute(text, field($"{where}.{name}"), environment)
                : throw new ProfileException($"{field($"{where}.{name}")}: a header value (string)");
        }
        return result;
    }

    /// <summary>Replaces <c>${NAME}</c> from the environment; a missing variable is an error naming it.</summary>
    public static string Substitute(string text, string field, Func<string, string?> environment) =>
        Variable().Replace(text, m => environment(m.Groups[1].Value)
            ?? throw new ProfileException($"{field}: environment variable {m.Groups[1].Value} is not set (export it, or write the value in the profile)"));

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Variable();
}

/// <summary>A target profile that cannot be used; the message names the field and the fix.</summary>
public sealed class ProfileException(string message) : Exception(message);
