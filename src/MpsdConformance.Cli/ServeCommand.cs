using System.CommandLine;
using System.Globalization;
using System.Net;
using MpsdConformance.Reference;

namespace MpsdConformance.Cli;

/// <summary>
/// <c>mpsd serve [--port N] [--host ADDRESS] [--config FILE] [--profile-out FILE] [--log] [--readings SET] [--reading ID=VALUE]... [--fault NAME]</c>:
/// the reference server, standalone.
/// </summary>
internal static class ServeCommand
{
    private const string Description = """
        Run the reference MPSD server until Ctrl-C (or SIGTERM).

        It prints its URL and the path of a target profile that points the suite at it ('mpsd certify --profile
        FILE'); that file holds the server's tokens, so it is written readable by you only.

        Where the docs allow several readings (the ledger's ambiguities) it takes the reference one, unless
        --readings alt (another reading everywhere at once, a coherent combination) or --reading ID=VALUE (one
        requirement, repeatable, applied after --readings) says otherwise.

        exit codes: 0 stopped cleanly, 2 bad options or configuration, or the port is taken
        """;

    /// <summary>The verb.</summary>
    public static Command Create()
    {
        var port = ListenOptions.Port(5080);
        var host = ListenOptions.Host();
        var config = new Option<string?>("--config")
        {
            HelpName = "FILE",
            Description = "scids, templates, token table and limits (default: the built-in configuration: templates 'quick' (open) and "
                + "'closed-club' (private), users alice, bob, carol, dave (rate-limited: 20 requests to one session per 60 s), "
                + "erin (no multiplayer privilege), and a server principal, with fresh random tokens; "
                + "a file may set an identity's multiplayerPrivilege and rateLimit, and limits.rateLimit and limits.overloadLimit)",
        };
        var profileOut = new Option<string>("--profile-out")
        {
            HelpName = "FILE",
            Description = "where to write the target profile",
            DefaultValueFactory = _ => Path.Combine(".build", "reference-profile.json"),
        };
        var log = new Option<bool>("--log") { Description = "one line per request on standard error (method, path, status, caller name; never a header or token)" };
        var set = new Option<string>("--readings")
        {
            HelpName = "SET",
            Description = $"{ReferenceReadings.ReferenceName} (the ledger's reference readings) or {ReferenceReadings.AlternativeName} (a non-reference reading for every ambiguity, chosen to fit together)",
            DefaultValueFactory = _ => ReferenceReadings.ReferenceName,
        };
        var reading = new Option<string[]>("--reading")
        {
            HelpName = "ID=VALUE",
            Description = "take this reading of one ambiguity of the ledger, e.g. GET-MISSING=404 (repeatable)",
        };
        var fault = new Option<string?>("--fault")
        {
            HelpName = "NAME",
            Description = "run a mutant: a server that breaks exactly one requirement (the catalogue 'mpsd selftest mutants' proves the suite with)",
        };
        var command = new Command("serve", Description) { port, host, config, profileOut, log, set, reading, fault };
        command.Validators.Add(result =>
        {
            if (new Option[] { set, reading }.Any(o => result.GetResult(o) is { Implicit: false, Tokens.Count: 0 }))
            {
                return; // a missing value, reported as such
            }
            try
            {
                Readings(result.GetValue(set), result.GetValue(reading));
            }
            catch (ReferenceConfigException e)
            {
                result.AddError(e.Message);
            }
        });
        command.SetAction((parsed, stop) => RunAsync(
            new Settings(parsed.GetValue(port), parsed.GetValue(host)!, parsed.GetValue(config), parsed.GetValue(profileOut)!, parsed.GetValue(log),
                Readings(parsed.GetValue(set), parsed.GetValue(reading)), parsed.GetValue(fault)),
            parsed.InvocationConfiguration.Output, parsed.InvocationConfiguration.Error, stop));
        return command;
    }

    // The set named by --readings, then each --reading applied in order; throws naming what is unknown.
    private static IReadOnlyDictionary<string, string> Readings(string? set, string[]? pairs) =>
        ReferenceReadings.Apply(pairs ?? [], ReferenceReadings.Named(set ?? ReferenceReadings.ReferenceName));

    private static async Task<int> RunAsync(Settings settings, TextWriter stdout, TextWriter stderr, CancellationToken stop)
    {
        var (port, host, configPath, profilePath, log, readings, fault) = settings;
        if (fault is not null && Faults.Find(fault) is null)
        {
            throw new UsageException($"--fault: unknown mutant '{fault}'; the mutants: {string.Join(", ", Faults.Catalogue.Select(f => f.Name))}");
        }
        ReferenceConfig config;
        try
        {
            config = configPath is null ? ReferenceConfig.BuiltIn() : ReferenceConfig.Load(configPath);
        }
        catch (ReferenceConfigException e)
        {
            throw new UsageException(e.Message);
        }
        ReferenceServer server;
        try
        {
            server = await ReferenceServer.StartAsync(new ReferenceOptions
            {
                Config = config,
                Host = host,
                Port = port,
                RequestLog = log ? line => stderr.WriteLine(line) : null,
                Readings = readings,
                Fault = fault,
            }, stop);
        }
        catch (IOException e)
        {
            throw new UsageException($"cannot listen on {host}:{port}: {e.Message} (try --port 0 for a free port)");
        }
        await using (server)
        {
            var fullProfilePath = Path.GetFullPath(profilePath);
            Directory.CreateDirectory(Path.GetDirectoryName(fullProfilePath)!);
            await File.WriteAllTextAsync(fullProfilePath, server.TargetProfileJson(), stop);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(fullProfilePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            await stdout.WriteLineAsync($"MPSD reference server listening on {server.BaseUrl.ToString().TrimEnd('/')}");
            if (fault is not null)
            {
                var mutant = Faults.Find(fault)!;
                await stdout.WriteLineAsync($"mutant {mutant.Name}: breaks {mutant.Requirement}: {mutant.Description}");
            }
            await stdout.WriteLineAsync($"target profile: {profilePath}");
            if (ReferenceReadings.Flipped(readings) is { Count: > 0 } flipped)
            {
                await stdout.WriteLineAsync($"readings other than the reference ones: {string.Join(", ", flipped)}");
            }
            await ListenOptions.ServeUntilStoppedAsync(stdout, stop);
        }
        return ExitCodes.Ok;
    }

    private sealed record Settings(int Port, string Host, string? ConfigPath, string ProfilePath, bool Log, IReadOnlyDictionary<string, string> Readings, string? Fault);
}
