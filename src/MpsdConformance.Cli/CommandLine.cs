using System.CommandLine;
using System.CommandLine.Help;
using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("MpsdConformance.SelfTests")]

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

    /// <summary>Interrupted by Ctrl-C or SIGTERM (128 + SIGINT), after writing what it could.</summary>
    public const int Interrupted = 130;
}

/// <summary>The command line: <c>mpsd &lt;verb&gt; ...</c>, one System.CommandLine parser for every verb.</summary>
public static class CommandLine
{
    /// <summary>The command's name in help and messages.</summary>
    internal const string Name = "mpsd";

    private const string Description = """
        A conformance suite and contract checker for the Xbox Live Multiplayer Session Directory (MPSD) session API:
        certify a target against the requirement ledger, check captured payloads against the contract's JSON Schemas,
        run the reference MPSD server (or a mutant of it), serve recorded answers as a WireMock stub, render reports, prove the suite against mutants.
        'mpsd <verb> --help' describes one verb.

        exit codes: 0 conformant / every file valid, 1 non-conformant / an invalid file, 2 usage or configuration error
        """;

    // Arguments are taken literally: '@file' names a payload, not a response file.
    private static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null };

    /// <summary>Runs one command; returns its exit code. Never throws for bad input; writes only to the writers given.</summary>
    public static async Task<int> RunAsync(string[] args, Stream stdin, TextWriter stdout, TextWriter stderr, CancellationToken stop = default)
    {
        var root = Build(stdin);
        var parsed = root.Parse(args, Parsing);
        if (UsageErrors.Find(parsed) is { } problem)
        {
            await stderr.WriteLineAsync(problem);
            return ExitCodes.Usage;
        }
        var invocation = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        try
        {
            return await parsed.InvokeAsync(invocation, stop);
        }
        catch (UsageException e)
        {
            // The message may quote the target (a probe's answer): its controls reach the terminal escaped.
            await stderr.WriteLineAsync($"{UsageErrors.Prefix(parsed.CommandResult.Command)}: {MpsdConformance.Results.ReportText.Plain(e.Message)}");
            return ExitCodes.Usage;
        }
    }

    private static Command Build(Stream stdin)
    {
        var root = new Command(Name, Description)
        {
            new HelpOption { Action = new SummarizedHelpAction() },
            new VersionOption { Action = new VersionAction() },
            CertifyCommand.Create(),
            ValidateCommand.Create(stdin),
            ServeCommand.Create(),
            StubCommand.Create(),
            ReportCommand.Create(),
            SelftestCommand.Create(),
        };
        var verb = new Argument<string?>("verb") { Arity = ArgumentArity.ZeroOrOne, Description = "the verb to describe" };
        var help = new Command("help", "Show this help, or one verb's: 'mpsd help certify' is 'mpsd certify --help'.") { verb };
        help.SetAction((parsed, stop) => root.Parse(parsed.GetValue(verb) is { } name ? [name, "--help"] : ["--help"], Parsing).InvokeAsync(parsed.InvocationConfiguration, stop));
        root.Add(help);
        // No verb: the help, on standard error, as a usage error.
        root.SetAction(async (parsed, stop) =>
        {
            await root.Parse(["--help"], Parsing).InvokeAsync(new InvocationConfiguration { Output = parsed.InvocationConfiguration.Error }, stop);
            return ExitCodes.Usage;
        });
        return root;
    }
}

/// <summary>Bad words on the command line: the message says what and how to fix it.</summary>
public sealed class UsageException(string message) : Exception(message);
