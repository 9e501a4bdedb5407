using System.CommandLine;
using System.Globalization;
using System.Net;

namespace MpsdConformance.Cli;

/// <summary>
/// <c>mpsd stub [--port N] [--host ADDRESS] [--mappings DIR]</c>: WireMock.Net serving recorded WireMock mappings
/// (<see cref="StubServer"/>), by default the ones recorded from the reference server that ship with the tool.
/// </summary>
internal static class StubCommand
{
    private const string Description = """
        Serve WireMock stub mappings with WireMock.Net until Ctrl-C (or SIGTERM): a stub that answers what a
        certified server answered, for a game client's own tests.

        The mappings are in the wiremock.org JSON format, as 'mpsd certify --record-mappings DIR' writes them
        (DIR/mappings/*.json, which Java WireMock also serves with --root-dir DIR). Without --mappings it serves the
        mappings recorded from the reference server that ship with the tool. Repeated requests on one URL are
        answered in the recorded order (a WireMock scenario per URL); POST /__admin/scenarios/reset starts them over.

        exit codes: 0 stopped cleanly, 2 bad options, a mappings folder or file it cannot serve, or the port is taken
        """;

    /// <summary>The default port.</summary>
    public const int DefaultPort = 7171;

    /// <summary>The verb.</summary>
    public static Command Create()
    {
        var port = ListenOptions.Port(DefaultPort);
        var host = ListenOptions.Host();
        var mappings = new Option<string?>("--mappings")
        {
            HelpName = "DIR",
            Description = "the mappings to serve: DIR/mappings/*.json or DIR/*.json, each a mapping or {\"mappings\": [...]} "
                + "(default: the mappings recorded from the reference server, shipped with the tool)",
        };
        var command = new Command("stub", Description) { port, host, mappings };
        command.SetAction((parsed, stop) => RunAsync(parsed.GetValue(port), parsed.GetValue(host)!, parsed.GetValue(mappings),
            parsed.InvocationConfiguration.Output, stop));
        return command;
    }

    private static async Task<int> RunAsync(int port, string host, string? mappingsDir, TextWriter stdout, CancellationToken stop)
    {
        var root = mappingsDir is null ? Locations.Find().StubMappings : Path.GetFullPath(mappingsDir);
        if (root is null)
        {
            throw new UsageException("the shipped mappings are missing (a stub/ folder beside the tool); name a folder with --mappings DIR");
        }
        List<StubMapping> mappings;
        try
        {
            mappings = MappingReader.Read(root);
        }
        catch (MappingException e)
        {
            throw new UsageException($"--mappings: {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--mappings: cannot read {root}: {e.Message}");
        }
        if (port != 0 && Taken(host, port) is { } problem)
        {
            throw new UsageException($"cannot listen on {host}:{port}: {problem} (try --port 0 for a free port)");
        }
        StubServer server;
        try
        {
            server = StubServer.Start(mappings, host, port);
        }
        catch (MappingException e)
        {
            throw new UsageException($"--mappings: {e.Message}");
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or System.Net.Sockets.SocketException or WireMock.Exceptions.WireMockException)
        {
            throw new UsageException($"cannot listen on {host}:{port}: {e.Message} (try --port 0 for a free port)");
        }
        using (server)
        {
            var files = Directory.EnumerateFiles(MappingReader.Folder(root), "*.json").Count();
            await stdout.WriteLineAsync($"MPSD stub (WireMock.Net) listening on {server.Url}");
            await stdout.WriteLineAsync($"serving {server.Count} mappings from {files} files in {Path.GetRelativePath(Environment.CurrentDirectory, MappingReader.Folder(root))}");
            await ListenOptions.ServeUntilStoppedAsync(stdout, stop);
        }
        return ExitCodes.Ok;
    }

    // WireMock.Net only gives up on a taken port after its start timeout; a port that cannot be bound is told at once.
    private static string? Taken(string host, int port)
    {
        try
        {
            var listener = new System.Net.Sockets.TcpListener(IPAddress.Parse(host), port);
            listener.Start();
            listener.Stop();
            return null;
        }
        catch (System.Net.Sockets.SocketException e)
        {
            return e.Message;
        }
    }
}
