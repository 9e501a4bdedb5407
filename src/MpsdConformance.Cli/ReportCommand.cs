using System.Diagnostics;

namespace MpsdConformance.Cli;

/// <summary><c>mpsd report --allure [RUN-DIR]</c>: render a run's Allure results with Allure 3 from npm.</summary>
internal static class ReportCommand
{
    private const string Help = """
        usage: mpsd report --allure [RUN-DIR]

        Renders RUN-DIR/allure-results (default: reports/latest) into RUN-DIR/allure-report with Allure 3,
        installed from npm by the repository's package-lock.json (npm ci runs when it is missing).

        exit codes: 0 rendered, 2 no results, Node.js missing, or Allure failed
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken stop)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h")
        {
            await (args.Length == 0 ? stderr : stdout).WriteLineAsync(Help);
            return args.Length == 0 ? ExitCodes.Usage : ExitCodes.Ok;
        }
        if (args[0] != "--allure" || args.Length > 2)
        {
            throw new UsageException("usage: mpsd report --allure [RUN-DIR]");
        }
        var root = CertifyCommand.RepoRoot() ?? throw new UsageException("cannot find the MpsdConformance repository (run ./mpsd from a clone)");
        var run = Path.GetFullPath(args.Length == 2 ? args[1] : Path.Combine(root, "reports", "latest"));
        var results = Path.Combine(run, "allure-results");
        if (!Directory.Exists(results))
        {
            throw new UsageException($"no Allure results in {results}: run 'mpsd certify' first");
        }
        var allure = Path.Combine(root, "node_modules", ".bin", "allure");
        if (!File.Exists(allure))
        {
            var install = await Run("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], root, stop);
            if (install.Exit != 0 || !File.Exists(allure))
            {
                await stderr.WriteLineAsync($"mpsd report: cannot install Allure with npm ci (is Node.js with npm installed? Debian: apt-get install nodejs npm)\n{install.Output}");
                return ExitCodes.Usage;
            }
        }
        var output = Path.Combine(run, "allure-report");
        var generate = await Run(allure, ["generate", results, "--output", output, "--name", "MPSD conformance"], root, stop);
        if (generate.Exit != 0 || !File.Exists(Path.Combine(output, "index.html")))
        {
            await stderr.WriteLineAsync($"mpsd report: Allure failed (exit {generate.Exit}):\n{generate.Output}");
            return ExitCodes.Usage;
        }
        await stdout.WriteLineAsync($"Allure report: {Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(output, "index.html"))}");
        return ExitCodes.Ok;
    }

    private static async Task<(int Exit, string Output)> Run(string file, string[] args, string directory, CancellationToken stop)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync(stop);
            var stderr = process.StandardError.ReadToEndAsync(stop);
            await process.WaitForExitAsync(stop);
            return (process.ExitCode, await stdout + await stderr);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (127, $"{file}: {e.Message}");
        }
    }
}
