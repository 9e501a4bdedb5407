using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace MpsdConformance.Reference;

/// <summary>A session template: what every session made from it starts with.</summary>
public sealed class TemplateConfig
{
    /// <summary>The template's contract version (107 unless said otherwise).</summary>
    public int ContractVersion { get; init; } = 107;

    /// <summary>The template's constants, a property bag <c>{system, custom}</c>.</summary>
    public JsonObject Constants { get; init; } = new();
}

/// <summary>An identity the server's token table knows.</summary>
public sealed class IdentityConfig
{
    /// <summary>A name for people and profiles (alice, bob, server).</summary>
    public string Name { get; init; } = "";

    /// <summary><c>user</c> (has a xuid) or <c>server</c> (a service principal).</summary>
    public string Kind { get; init; } = "user";

    /// <summary>The user's xuid (decimal), for users.</summary>
    public string? Xuid { get; init; }

    /// <summary>The gamertag shown once the member accepted.</summary>
    public string? Gamertag { get; init; }

    /// <summary>The <c>x=</c> user hash of the XBL3.0 header.</summary>
    public string UserHash { get; init; } = "";

    /// <summary>The token of the XBL3.0 header: a secret.</summary>
    public string Token { get; init; } = "";

    /// <summary>
    /// False for a user without the multiplayer privilege (the docs: no Gold account): creating a session is then
    /// refused 403 and nothing is stored (PRIVILEGE-403). Default true.
    /// </summary>
    public bool MultiplayerPrivilege { get; init; } = true;

    /// <summary>This identity's own fine-grained rate limit, in place of <see cref="LimitsConfig.RateLimit"/> (null: that one).</summary>
    public RateLimitConfig? RateLimit { get; init; }

    /// <summary>True for the server principal.</summary>
    [JsonIgnore]
    public bool IsServer => string.Equals(Kind, "server", StringComparison.OrdinalIgnoreCase);
}

/// <summary>At most <see cref="Requests"/> requests in a window of <see cref="WindowSeconds"/> seconds.</summary>
public sealed class RateLimitConfig
{
    /// <summary>Requests a window allows.</summary>
    public int Requests { get; init; }

    /// <summary>The window's length in seconds; it starts with its first request.</summary>
    public int WindowSeconds { get; init; } = 1;

    /// <inheritdoc />
    public override string ToString() => $"{Requests} requests per {WindowSeconds} s";
}

/// <summary>Limits that keep the server safe under bad input and load.</summary>
public sealed class LimitsConfig
{
    /// <summary>Largest request body, in bytes (1 MiB).</summary>
    public int MaxBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>Deepest JSON nesting accepted.</summary>
    public int MaxJsonDepth { get; init; } = 64;

    /// <summary>Most sessions stored at once; beyond it, creation answers 503 with Retry-After.</summary>
    public int MaxSessions { get; init; } = 100_000;

    /// <summary>Seconds a 503 of the session cap asks the client to wait.</summary>
    public int RetryAfterSeconds { get; init; } = 1;

    /// <summary>
    /// The fine-grained rate limit of every caller (null, the default: none): at most so many requests by one
    /// identity to one session per window; beyond it, 429 with a JSON message and Retry-After (RATE-429-503). An
    /// identity's own <see cref="IdentityConfig.RateLimit"/> takes its place.
    /// </summary>
    public RateLimitConfig? RateLimit { get; init; }

    /// <summary>
    /// The overload limit (null, the default: none): at most so many requests to session resources by all callers
    /// together per window; beyond it, 503 text/plain with Retry-After (RATE-429-503).
    /// </summary>
    public RateLimitConfig? OverloadLimit { get; init; }

    /// <summary>The connection limits: slow, stalled and idle clients are cut off so the others keep being served.</summary>
    public ConnectionLimitsConfig Connections { get; init; } = new();
}

/// <summary>
/// The reference server's connection limits (Kestrel's): a client that drips a body, never finishes its headers
/// or holds a connection idle is cut off after these, so it cannot starve the others.
/// </summary>
public sealed class ConnectionLimitsConfig
{
    /// <summary>Seconds a client has to send a request's line and headers, counted from their first byte (10).</summary>
    public double RequestHeadersTimeoutSeconds { get; init; } = 10;

    /// <summary>Seconds a connection may stay idle, before its first request or between requests (30).</summary>
    public double KeepAliveTimeoutSeconds { get; init; } = 30;

    /// <summary>The slowest average a request body may arrive at, in bytes per second, once the grace period is over (240; 0: no minimum).</summary>
    public double MinBodyBytesPerSecond { get; init; } = 240;

    /// <summary>Seconds a body may arrive slower than <see cref="MinBodyBytesPerSecond"/> before the rate is enforced (5; more than 1).</summary>
    public double MinBodyGraceSeconds { get; init; } = 5;

    /// <summary>Connections open at once (10000; null: no limit); beyond it, a new connection is closed at once. Keep it below the process's file-descriptor limit.</summary>
    public int? MaxConnections { get; init; } = 10_000;

    /// <summary>A request's headers together, in bytes (32 KiB; the request line apart, at most 8 KiB); beyond it, 431.</summary>
    public int MaxHeadersBytes { get; init; } = 32 * 1024;
}

/// <summary>The reference server's configuration: scids and their templates, the token table, limits.</summary>
public sealed class ReferenceConfig
{
    /// <summary>The default scid of the built-in configuration.</summary>
    public const string DefaultScid = "8e9a0f52-6e6b-4c1a-9d2e-1b7c3f0a5d11";

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
    };

    /// <summary>scid → template name → template.</summary>
    public Dictionary<string, Dictionary<string, TemplateConfig>> Scids { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The token table.</summary>
    public List<IdentityConfig> Identities { get; init; } = [];

    /// <summary>Limits.</summary>
    public LimitsConfig Limits { get; init; } = new();

    /// <summary>
    /// The built-in configuration: one scid; template <c>quick</c> (open, 8 members, sessionEmptyTimeout 0,
    /// contract 107), <c>closed-club</c> (private), <c>lingering</c> (open, empty sessions live 60 s),
    /// <c>brief</c> (open, reservations expire after 1 s, sessionEmptyTimeout left unset so its default applies),
    /// <c>owners</c> (open, capabilities.hasOwners, ownershipPolicies left unset so the default migration applies
    /// and a create may choose another), <c>short-timers</c> (open, inactiveRemovalTimeout and
    /// readyRemovalTimeout of 1 s), <c>crowd</c> (open, a large session of up to 1000 members:
    /// capabilities.large), <c>initialization</c> (member initialization: 2 members to start, joinTimeout 1 s,
    /// external evaluation) and <c>qos</c> (member initialization with latency and bandwidth measured,
    /// peer-to-host requirements, host candidates by latency); users alice, bob and carol, dave (a user with a rate limit of his own: 20 requests
    /// to one session per 60 s, so a burst finds it while the suite's other users never meet one), erin
    /// (a user without the multiplayer privilege) and one server principal. No limit applies to anyone else.
    /// Tokens are random per call, so no two servers share a secret.
    /// </summary>
    public static ReferenceConfig BuiltIn()
    {
        static TemplateConfig Template(string visibility, int sessionEmptyTimeout = 0, int reservedRemovalTimeout = 30000) => new()
        {
            ContractVersion = 107,
            Constants = new JsonObject
            {
                ["system"] = new JsonObject
                {
                    ["version"] = 1,
                    ["visibility"] = visibility,
                    ["maxMembersCount"] = 8,
                    ["sessionEmptyTimeout"] = sessionEmptyTimeout,
                    ["reservedRemovalTimeout"] = reservedRemovalTimeout,
                },
                ["custom"] = new JsonObject(),
            },
        };
        static TemplateConfig Unset(TemplateConfig template, string systemConstant)
        {
            ((JsonObject)template.Constants["system"]!).Remove(systemConstant);
            return template;
        }
        static TemplateConfig With(TemplateConfig template, params (string Name, JsonNode Value)[] systemConstants)
        {
            foreach (var (name, value) in systemConstants)
            {
                ((JsonObject)template.Constants["system"]!)[name] = value;
            }
            return template;
        }
        return new ReferenceConfig
        {
            Scids = new(StringComparer.OrdinalIgnoreCase)
            {
                [DefaultScid] = new(StringComparer.OrdinalIgnoreCase)
                {
                    ["quick"] = Template("open"),
                    ["closed-club"] = Template("private"),
                    ["lingering"] = Template("open", sessionEmptyTimeout: 60_000),
                    ["brief"] = Unset(Template("open", reservedRemovalTimeout: 1_000), "sessionEmptyTimeout"),
                    ["owners"] = With(Template("open"), ("capabilities", new JsonObject { ["hasOwners"] = true })),
                    ["short-timers"] = With(Template("open"), ("inactiveRemovalTimeout", 1_000), ("readyRemovalTimeout", 1_000)),
                    ["crowd"] = With(Template("open"), ("maxMembersCount", 1_000), ("capabilities", new JsonObject { ["large"] = true })),
                    // Member initialization: two initializing members to start, joinTimeout 1 s, evaluated by the title.
                    ["initialization"] = With(Template("open"),
                        ("memberInitialization", new JsonObject { ["joinTimeout"] = 1_000, ["externalEvaluation"] = true, ["membersNeededToStart"] = 2 })),
                    // QoS: peer to host, latency measured, host candidates ranked by latency.
                    ["qos"] = With(Template("open"),
                        ("capabilities", new JsonObject { ["connectivity"] = true }),
                        ("metrics", new JsonObject { ["latency"] = true, ["bandwidthDown"] = true, ["bandwidthUp"] = true }),
                        ("memberInitialization", new JsonObject { ["joinTimeout"] = 5_000, ["measurementTimeout"] = 5_000, ["externalEvaluation"] = false, ["membersNeededToStart"] = 2 }),
                        ("peerToHostRequirements", new JsonObject { ["latencyMaximum"] = 250, ["bandwidthDownMinimum"] = 1_000, ["bandwidthUpMinimum"] = 100, ["hostSelectionMetric"] = "latency" })),
                },
            },
            Identities =
            [
                new() { Name = "alice", Xuid = "2814650000000001", Gamertag = "Alice", UserHash = "1001", Token = NewToken() },
                new() { Name = "bob", Xuid = "2814650000000002", Gamertag = "Bob", UserHash = "1002", Token = NewToken() },
                new() { Name = "carol", Xuid = "2814650000000003", Gamertag = "Carol", UserHash = "1003", Token = NewToken() },
                new()
                {
                    Name = "dave", Xuid = "2814650000000004", Gamertag = "Dave", UserHash = "1004", Token = NewToken(),
                    RateLimit = new RateLimitConfig { Requests = 20, WindowSeconds = 60 },
                },
                new() { Name = "erin", Xuid = "2814650000000005", Gamertag = "Erin", UserHash = "1005", Token = NewToken(), MultiplayerPrivilege = false },
                new() { Name = "server", Kind = "server", UserHash = "9999", Token = NewToken() },
            ],
        };
    }

    /// <summary>Reads a configuration file; errors name the field and the fix.</summary>
    public static ReferenceConfig Load(string path)
    {
        ReferenceConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<ReferenceConfig>(File.ReadAllText(path), Options);
        }
        catch (JsonException e)
        {
            throw new ReferenceConfigException($"{path}: not a valid configuration: {e.Message}");
        }
        catch (IOException e)
        {
            throw new ReferenceConfigException($"{path}: cannot be read: {e.Message}");
        }
        if (config is null)
        {
            throw new ReferenceConfigException($"{path}: the file holds null; write an object with scids, identities and (optionally) limits");
        }
        // Re-key case-insensitively: scids, template names and paths are matched ignoring case.
        var rekeyed = new ReferenceConfig
        {
            Scids = config.Scids.ToDictionary(
                kv => kv.Key,
                kv => new Dictionary<string, TemplateConfig>(kv.Value, StringComparer.OrdinalIgnoreCase),
                StringComparer.OrdinalIgnoreCase),
            Identities = config.Identities,
            Limits = config.Limits,
        };
        rekeyed.Validate(path);
        return rekeyed;
    }

    /// <summary>Checks the configuration; throws with a message naming the field.</summary>
    public void Validate(string source = "configuration")
    {
        if (Scids.Count == 0)
        {
            throw new ReferenceConfigException($"{source}: scids is empty; name at least one scid with one template");
        }
        foreach (var (scid, templates) in Scids)
        {
            if (!Guid.TryParse(scid, out _))
            {
                throw new ReferenceConfigException($"{source}: scids.{scid}: a scid is a GUID");
            }
            if (templates.Count == 0)
            {
                throw new ReferenceConfigException($"{source}: scids.{scid}: no template; add one, e.g. \"quick\"");
            }
            foreach (var (name, template) in templates)
            {
                if (template.Constants["system"] is not (null or JsonObject) || template.Constants["custom"] is JsonArray)
                {
                    throw new ReferenceConfigException($"{source}: scids.{scid}.{name}.constants: a property bag {{system, custom}}");
                }
            }
        }
        if (Identities.Count == 0)
        {
            throw new ReferenceConfigException($"{source}: identities is empty; add users (name, xuid, userHash, token)");
        }
        for (var i = 0; i < Identities.Count; i++)
        {
            var identity = Identities[i];
            var where = $"{source}: identities[{i}] ({identity.Name})";
            if (string.IsNullOrWhiteSpace(identity.UserHash) || string.IsNullOrWhiteSpace(identity.Token))
            {
                throw new ReferenceConfigException($"{where}: userHash and token are required");
            }
            if (!identity.IsServer && (identity.Xuid is null || !identity.Xuid.All(char.IsAsciiDigit) || identity.Xuid.Length is 0 or > 20))
            {
                throw new ReferenceConfigException($"{where}: a user needs a xuid written as a decimal string");
            }
            if (identity.Kind is not ("user" or "server"))
            {
                throw new ReferenceConfigException($"{where}: kind is user or server");
            }
            if (identity.IsServer && !identity.MultiplayerPrivilege)
            {
                throw new ReferenceConfigException($"{where}: multiplayerPrivilege is an account privilege of users; leave it out for the server principal");
            }
            CheckRateLimit(identity.RateLimit, $"{where}: rateLimit");
        }
        var duplicate = Identities.GroupBy(x => (x.UserHash, x.Token)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ReferenceConfigException($"{source}: identities: two identities share userHash {duplicate.Key.UserHash} and the same token");
        }
        if (Limits.MaxBodyBytes < 1024 || Limits.MaxJsonDepth < 8 || Limits.MaxSessions < 1 || Limits.RetryAfterSeconds < 1)
        {
            throw new ReferenceConfigException($"{source}: limits: maxBodyBytes >= 1024, maxJsonDepth >= 8, maxSessions >= 1, retryAfterSeconds >= 1");
        }
        CheckRateLimit(Limits.RateLimit, $"{source}: limits.rateLimit");
        CheckRateLimit(Limits.OverloadLimit, $"{source}: limits.overloadLimit");
        var connections = Limits.Connections ?? throw new ReferenceConfigException($"{source}: limits.connections: an object, or leave it out for the defaults");
        if (connections.RequestHeadersTimeoutSeconds is not (>= 1 and <= 3600) || connections.KeepAliveTimeoutSeconds is not (>= 1 and <= 3600))
        {
            throw new ReferenceConfigException($"{source}: limits.connections: requestHeadersTimeoutSeconds and keepAliveTimeoutSeconds from 1 to 3600");
        }
        if (connections.MinBodyBytesPerSecond < 0 || connections.MinBodyGraceSeconds is not (> 1 and <= 3600))
        {
            throw new ReferenceConfigException($"{source}: limits.connections: minBodyBytesPerSecond >= 0 (0: no minimum) and minBodyGraceSeconds above 1, at most 3600");
        }
        if (connections.MaxConnections is < 1 || connections.MaxHeadersBytes is < 1024 or > 1024 * 1024)
        {
            throw new ReferenceConfigException($"{source}: limits.connections: maxConnections >= 1 (null: no limit) and maxHeadersBytes from 1024 to 1048576");
        }
    }

    private static void CheckRateLimit(RateLimitConfig? limit, string where)
    {
        if (limit is not null && (limit.Requests < 1 || limit.WindowSeconds is < 1 or > 86_400))
        {
            throw new ReferenceConfigException(
                $"{where}: requests >= 1 and windowSeconds from 1 to 86400, e.g. {{\"requests\": 20, \"windowSeconds\": 60}}; leave it out for no limit");
        }
    }

    /// <summary>The configuration as JSON (tokens included: it is the server's own file).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Options);

    private static string NewToken() => Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
}

/// <summary>A configuration that cannot be used; the message names the field and the fix.</summary>
public sealed class ReferenceConfigException(string message) : Exception(message);
