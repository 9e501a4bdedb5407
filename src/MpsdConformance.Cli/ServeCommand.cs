using System.Globalization;
using MpsdConformance.Reference;

namespace MpsdConformance.Cli;

/// <summary><c>mpsd serve [--port N] [--config FILE]</c>: the reference server, standalone.</summary>
internal static class ServeCommand
{
    private const string Help = """
        usage: mpsd serve [--port N] [--host ADDRESS] [--config FILE] [--profile-out FILE] [--log]

        Runs the reference MPSD server until Ctrl-C. It prints its URL and the path of a target profile
        that points the suite at it (that file holds the server's tokens: keep it private).

        options:
          --port N            port to listen on (default 5080; 0 picks a free one)
          --host ADDRESS      address to bind (default 127.0.0.1)
          --config FILE       scids, templates and token table (default: the built-in configuration:
                              templates 'quick' (open) and 'closed-club' (private), users alice, bob,
                              carol, and a server principal, with fresh random tokens)
          --profile-out FILE  where to write the target profile (default: .build/reference-profile.json)
          --log               one line per request on standard error (method, path, status, caller name;
                              never a header or token)

        exit codes: 0 stopped cleanly, 2 bad options or configuration, or the port is taken
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken stop)
    {
        var port = 5080;
        var host = "127.0.0.1";
        string? configPath = null;
        var profilePath = Path.Combine(".build", "reference-profile.json");
        var log = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--help" or "-h":
                    await stdout.WriteLineAsync(Help);
                    return ExitCodes.Ok;
                case "--port":
                    var text = Value();
                    if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
                    {
                        throw new UsageException($"--port takes a number from 0 to 65535, not '{text}'");
                    }
                    break;
                case "--host":
                    host = Value();
                    if (!System.Net.IPAddress.TryParse(host, out _))
                    {
                        throw new UsageException($"--host takes an IP address such as 127.0.0.1, not '{host}'");
                    }
                    break;
                case "--config":
                    configPath = Value();
                    break;
                case "--profile-out":
                    profilePath = Value();
                    break;
                case "--log":
                    log = true;
                    break;
                default:
                    throw new UsageException($"unknown option '{args[i]}' (see 'mpsd serve --help')");
            }
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
            await stdout.WriteLineAsync($"target profile: {profilePath}");
            await stdout.WriteLineAsync("press Ctrl-C to stop");
            await stdout.FlushAsync(stop);
            try
            {
                await Task.Delay(Timeout.Infinite, stop);
            }
            catch (OperationCanceledException)
            {
            }
            await stdout.WriteLineAsync("stopped");
        }
        return ExitCodes.Ok;
    }
}
