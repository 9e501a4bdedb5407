using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MpsdConformance.Contract;

namespace MpsdConformance.Reference;

/// <summary>How to start a reference server.</summary>
public sealed class ReferenceOptions
{
    /// <summary>Scids, templates, token table, limits (default: the built-in configuration).</summary>
    public ReferenceConfig Config { get; init; } = ReferenceConfig.BuiltIn();

    /// <summary>Address to bind (default 127.0.0.1).</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>The clock timers run on (tests pass a fake one).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Receives one line per request (method, path, status, principal name; never a header).</summary>
    public Action<string>? RequestLog { get; init; }

    /// <summary>Where the contract's schemas are (default: the shipped copy).</summary>
    public string? SchemasDirectory { get; init; }

    /// <summary>
    /// Middleware put in front of the MPSD handlers. Self-tests use it to build test doubles: deliberately
    /// broken servers, and servers that choose another documented reading.
    /// </summary>
    public Func<RequestDelegate, RequestDelegate>? Interceptor { get; init; }

    /// <summary>
    /// The reading taken where the docs allow several: requirement ID → reading ID (see
    /// <see cref="ReferenceReadings"/>). Requirements left out keep their reference reading; an unknown
    /// requirement or reading fails the start with a <see cref="ReferenceConfigException"/> naming it.
    /// </summary>
    public IReadOnlyDictionary<string, string> Readings { get; init; } = ReferenceReadings.Reference;

    /// <summary>
    /// A mutant of <see cref="Faults.Catalogue"/> by name: the server then breaks that one requirement (null: none).
    /// An unknown name is an <see cref="ArgumentException"/> listing the valid ones.
    /// </summary>
    public string? Fault { get; init; }
}

/// <summary>
/// The reference MPSD server: an in-memory implementation of the documented session semantics on
/// ASP.NET Core's Kestrel. Start as many as you like side by side; dispose to stop.
/// </summary>
public sealed class ReferenceServer : IAsyncDisposable
{
    private const string SessionRoute = "/serviceconfigs/{scid}/sessiontemplates/{template}/sessions/{name}";
    private readonly WebApplication _app;
    private readonly SessionStore _store;

    private ReferenceServer(WebApplication app, SessionStore store, ReferenceConfig config, Uri baseUrl, IReadOnlyDictionary<string, string> readings)
    {
        _app = app;
        _store = store;
        Config = config;
        BaseUrl = baseUrl;
        Readings = readings;
    }

    /// <summary>The server's base address, e.g. <c>http://127.0.0.1:5080</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>The configuration it serves.</summary>
    public ReferenceConfig Config { get; }

    /// <summary>The reading it takes for every ambiguity of the ledger (requirement ID → reading ID).</summary>
    public IReadOnlyDictionary<string, string> Readings { get; }

    /// <summary>Sessions stored right now.</summary>
    public int SessionCount => _store.Count;

    /// <summary>Starts a server and returns once it accepts connections.</summary>
    public static async Task<ReferenceServer> StartAsync(ReferenceOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ReferenceOptions();
        var config = options.Config;
        config.Validate();
        var readings = new Readings(options.Readings);
        var fault = options.Fault is null ? null : new ActiveFault(Faults.Find(options.Fault) ?? throw new ArgumentException(
            $"unknown fault '{options.Fault}'; the valid ones: {string.Join(", ", Faults.Catalogue.Select(f => f.Name))}", nameof(options)));
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(ReferenceServer).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            SetLimits(kestrel.Limits, config.Limits);
            kestrel.Listen(System.Net.IPAddress.Parse(options.Host), options.Port);
        });
        builder.Services.AddRoutingCore();
        var app = builder.Build();

        var store = new SessionStore(config.Limits.MaxSessions);
        var handler = new RequestHandler(config, new SessionEngine(store, options.Time, config.Limits.RetryAfterSeconds, readings),
            new IdentityProvider(config.Identities), ContractValidator.Shared(options.SchemasDirectory), options.RequestLog, readings,
            new RequestLimits(config.Limits, options.Time));
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (BadHttpRequestException e) when (!context.Response.HasStarted)
            {
                // Kestrel's limits (a body arriving too slowly: 408): its status, and the connection is closed after it.
                context.Response.Clear();
                await RequestHandler.Text(context, e.StatusCode, e.Message);
            }
            catch (Exception e) when (e is not OperationCanceledException && !context.Response.HasStarted)
            {
                // Never expected; a 500 is still better than a dropped connection.
                context.Response.Clear();
                await RequestHandler.Text(context, 500, "internal error: " + e.GetType().Name);
            }
        });
        if (fault is not null)
        {
            // The fault is ambient to the request's flow, so each decision point asks Faults.Active without plumbing.
            app.Use(async (context, next) =>
            {
                Faults.Current = fault;
                await next(context);
            });
        }
        if (options.Interceptor is { } interceptor)
        {
            app.Use(interceptor);
        }
        app.Map(SessionRoute, context => handler.Handle(context, Resource.Session));
        app.Map(SessionRoute + "/properties", context => handler.Handle(context, Resource.Properties));
        app.Map(SessionRoute + "/members/me", context => handler.Handle(context, Resource.MemberMe));
        app.Map(SessionRoute + "/members/{index}", context => handler.Handle(context, Resource.MemberIndex));
        app.Map(SessionRoute + "/servers/{server}", context => handler.Handle(context, Resource.Server));
        app.MapFallback(context => RequestHandler.Text(context, 404, "the URI is invalid: not an MPSD session resource"));

        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ReferenceServer(app, store, config, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)), readings.Chosen);
    }

    /// <summary>
    /// Kestrel's limits, set deliberately (README, "Connection limits"): slow, stalled and idle clients are cut off,
    /// floods of connections refused, so the others keep being served.
    /// </summary>
    private static void SetLimits(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerLimits kestrel, LimitsConfig limits)
    {
        var connections = limits.Connections;
        kestrel.MaxRequestBodySize = null; // enforced per request (limits.maxBodyBytes), to answer 413 in text
        kestrel.RequestHeadersTimeout = TimeSpan.FromSeconds(connections.RequestHeadersTimeoutSeconds);
        kestrel.KeepAliveTimeout = TimeSpan.FromSeconds(connections.KeepAliveTimeoutSeconds);
        kestrel.MinRequestBodyDataRate = connections.MinBodyBytesPerSecond > 0
            ? new Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate(connections.MinBodyBytesPerSecond, TimeSpan.FromSeconds(connections.MinBodyGraceSeconds))
            : null;
        kestrel.MinResponseDataRate = new Microsoft.AspNetCore.Server.Kestrel.Core.MinDataRate(240, TimeSpan.FromSeconds(5));
        kestrel.MaxConcurrentConnections = connections.MaxConnections;
        kestrel.MaxConcurrentUpgradedConnections = 0; // no WebSockets or other upgrades are served
        kestrel.MaxRequestHeadersTotalSize = connections.MaxHeadersBytes;
        kestrel.MaxRequestLineSize = 8 * 1024;
        kestrel.MaxRequestHeaderCount = 100;
        kestrel.MaxResponseBufferSize = 64 * 1024;
        kestrel.MaxRequestBufferSize = 1024 * 1024;
    }

    /// <summary>
    /// The target profile that points the suite at this server (ARCHITECTURE.md format): its users (those with the
    /// multiplayer privilege), the first user without it as <c>unprivileged</c>, and a <c>rateLimits</c> burst
    /// twice the rate limit of the first user that has one of its own (else of every caller's, when configured).
    /// It holds the tokens: treat it as a secret.
    /// </summary>
    public string TargetProfileJson()
    {
        var (scid, templates) = Config.Scids.First();
        var roles = new JsonObject();
        foreach (var (name, template) in templates)
        {
            var system = template.Constants["system"] as JsonObject ?? new JsonObject();
            var visibility = system["visibility"]?.GetValue<string>()?.ToLowerInvariant() ?? "open";
            // Unset, sessionEmptyTimeout takes its documented default, 0 (not null, which means never).
            var emptyTimeout = system.TryGetPropertyValue("sessionEmptyTimeout", out var empty) ? Numbers.AsLong(empty) : 0;
            var reservedTimeout = Numbers.AsLong(system["reservedRemovalTimeout"]);
            static bool Capability(JsonObject system, string name) =>
                system["capabilities"]?[name] is JsonValue flag && flag.TryGetValue(out bool on) && on;
            var shortTimers = Numbers.AsLong(system["inactiveRemovalTimeout"]) is > 0 and <= 5_000;
            var role = Capability(system, "large") ? "large"
                : system["memberInitialization"] is not null || system["managedInitialization"] is not null
                    ? system["peerToHostRequirements"] is not null ? "qos" : "initialization"
                : visibility != "open" ? visibility
                : Capability(system, "hasOwners") ? "owners"
                : emptyTimeout is null or > 0 ? "lingering"
                : shortTimers ? "short-timers"
                : reservedTimeout is <= 5_000 ? "short-reservations"
                : "open";
            if (!roles.ContainsKey(role))
            {
                roles[role] = name;
            }
        }
        static JsonObject User(IdentityConfig user) => new()
        {
            ["name"] = user.Name,
            ["xuid"] = user.Xuid,
            ["headers"] = new JsonObject { ["Authorization"] = $"XBL3.0 x={user.UserHash};{user.Token}" },
        };
        var privileged = Config.Identities.Where(i => !i.IsServer && i.MultiplayerPrivilege).ToList();
        var profile = new JsonObject
        {
            ["baseUrl"] = BaseUrl.ToString().TrimEnd('/'),
            ["scid"] = scid,
            ["contractVersion"] = templates.Values.First().ContractVersion,
            ["templates"] = roles,
            ["users"] = new JsonArray([.. privileged.Select(User)]),
        };
        if (Config.Identities.FirstOrDefault(i => !i.IsServer && !i.MultiplayerPrivilege) is { } unprivileged)
        {
            profile["unprivileged"] = User(unprivileged);
        }
        // A burst twice the limit: of a user with a limit of its own (the suite's other users then never meet one),
        // else of the limit every caller has. The profile allows bursts of 500 requests at most.
        var limited = privileged.FirstOrDefault(u => u.RateLimit is not null);
        if ((limited?.RateLimit ?? Config.Limits.RateLimit) is { Requests: < 500 } limit)
        {
            profile["rateLimits"] = new JsonObject { ["burst"] = Math.Min(500, limit.Requests * 2) };
            if (limited is not null)
            {
                profile["rateLimits"]!["user"] = limited.Name;
            }
        }
        if (Config.Identities.FirstOrDefault(i => i.IsServer) is { } server)
        {
            profile["server"] = new JsonObject
            {
                ["headers"] = new JsonObject { ["Authorization"] = $"XBL3.0 x={server.UserHash};{server.Token}" },
            };
        }
        return profile.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Stops accepting requests and releases the port.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

internal enum Resource
{
    Session,
    Properties,
    MemberMe,
    MemberIndex,
    Server,
}
