using System.CommandLine;
using System.Diagnostics;

namespace MpsdConformance.Cli;

/// <summary><c>mpsd report --allure [RUN-DIR]</c>: render a run's Allure results with Allure 3 from npm.</summary>
internal static class ReportCommand
{
    private const string Description = """
        Render a run's Allure results into an HTML report with Allure 3.

        Renders RUN-DIR/allure-results (default: the clone's reports/latest) into RUN-DIR/allure-report. Allure 3
        comes from npm as the clone's package-lock.json pins it ('npm ci' runs when it is missing), so this verb needs
        a clone of MpsdConformance and Node.js with npm.

        exit codes: 0 rendered, 2 no results, no clone, Node.js missing, or Allure failed
        """;

    /// <summary>The verb.</summary>
    public static Command Create()
    {
        var allure = new Option<bool>("--allure") { Description = "render with Allure 3 (the only renderer, so required)" };
        var runDirectory = new Argument<string?>("RUN-DIR") { Arity = ArgumentArity.ZeroOrOne, Description = "the run's results folder (default: the clone's reports/latest)" };
        var command = new Command("report", Description) { allure, runDirectory };
        command.Validators.Add(result =>
        {
            if (result.GetResult(allure) is null)
            {
                result.AddError("name the renderer: --allure (the only one)");
            }
        });
        command.SetAction((parsed, stop) => RunAsync(parsed.GetValue(runDirectory), parsed.InvocationConfiguration.Output, parsed.InvocationConfiguration.Error, stop));
        return command;
    }

    private static async Task<int> RunAsync(string? runDirectory, TextWriter stdout, TextWriter stderr, CancellationToken stop)
    {
        var locations = Locations.Find();
        var root = locations.RepoRoot
            ?? throw new UsageException($"--allure needs a clone of MpsdConformance (its package.json and package-lock.json pin Allure 3), and none was found "
                + $"above ${Locations.RepoRootVariable}, the tool's folder or the current directory: run it from a clone, or set {Locations.RepoRootVariable}");
        var run = Path.GetFullPath(runDirectory ?? Path.Combine(locations.Reports, "latest"));
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
