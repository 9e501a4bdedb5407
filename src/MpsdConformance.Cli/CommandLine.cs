namespace MpsdConformance.Cli;

/// <summary>Exit codes every verb shares (ARCHITECTURE.md: scripts and CI depend on them).</summary>
public static class ExitCodes
{
    /// <summary>Conformant, or every file valid.</summary>
    public const int Ok = 0;

    /// <summary>Non-conformant, or an invalid file.</summary>
    public const int Failed = 1;

    /// <summary>Usage or configuration error, or an unreachable target.</summary>
    public const int Usage = 2;
}

/// <summary>The command line: <c>mpsd-conformance &lt;verb&gt; ...</c>.</summary>
public static class CommandLine
{
    internal const string Usage = """
        usage: mpsd <verb> [options]

        verbs:
          validate request|properties|response <file-or-folder|->...
                   check captured payloads against the MPSD contract's JSON Schemas
          serve [--port N] [--config FILE]
                   run the reference MPSD server (127.0.0.1) until Ctrl-C
          certify [--profile FILE] [--out DIR] [--filter EXPR]
                   run the conformance suite against a target (default: the embedded reference server)
          report --allure [RUN-DIR]
                   render a run's Allure results with Allure 3 (npm)
          help     this text; 'mpsd <verb> --help' for one verb

        exit codes: 0 conformant / all files valid, 1 non-conformant / an invalid file, 2 usage or configuration error
        """;

    /// <summary>Runs one command; returns its exit code. Never throws for bad input.</summary>
    public static async Task<int> RunAsync(string[] args, Stream stdin, TextWriter stdout, TextWriter stderr, CancellationToken stop = default)
    {
        if (args.Length == 0)
        {
            await stderr.WriteLineAsync(Usage);
            return ExitCodes.Usage;
        }
        try
        {
            switch (args[0])
            {
                case "help" or "--help" or "-h":
                    await stdout.WriteLineAsync(Usage);
                    return ExitCodes.Ok;
                case "--version":
                    await stdout.WriteLineAsync(typeof(CommandLine).Assembly.GetName().Version?.ToString() ?? "0");
                    return ExitCodes.Ok;
                case "validate":
                    return await ValidateCommand.RunAsync(args[1..], stdin, stdout, stderr);
                case "certify":
                    return await CertifyCommand.RunAsync(args[1..], stdout, stderr, stop);
                case "report":
                    return await ReportCommand.RunAsync(args[1..], stdout, stderr, stop);
                case "serve":
                    return await ServeCommand.RunAsync(args[1..], stdout, stderr, stop);
                default:
                    await stderr.WriteLineAsync($"mpsd: unknown verb '{args[0]}'\n\n{Usage}");
                    return ExitCodes.Usage;
            }
        }
        catch (UsageException e)
        {
            await stderr.WriteLineAsync($"mpsd {args[0]}: {e.Message}");
            return ExitCodes.Usage;
        }
    }
}

/// <summary>Bad words on the command line: the message says what and how to fix it.</summary>
public sealed class UsageException(string message) : Exception(message);
