using System.Diagnostics;
using System.Globalization;
using MpsdConformance.Contract;
using MpsdConformance.Harness;
using MpsdConformance.Hosting;
using MpsdConformance.Reference;
using MpsdConformance.Reporting;
using MpsdConformance.Results;

namespace MpsdConformance.Cli;

/// <summary>
/// The mutation matrix: certifies the unmutated reference server (the control) and every mutant of
/// <see cref="Faults.Catalogue"/>, judges each run, writes <see cref="KillMatrix"/>. One hosted run at a time
/// per process, so parallel lanes are child processes of this command, each certifying its share in turn.
/// </summary>
internal static class MutantMatrix
{
    /// <summary>The name that stands for the control run in <c>--only</c>.</summary>
    public const string ControlName = "none";

    /// <summary>
    /// Certifications at a time. Most of a run's wall time is the one scenario that waits for a reservation
    /// timer, so a 2-core machine keeps three lanes busy.
    /// </summary>
    public const int DefaultJobs = 3;

    /// <summary>What <c>selftest mutants</c> was asked to do.</summary>
    /// <param name="OutDir">Where kill-matrix.json goes; null: reports/mutants-&lt;run-id&gt;.</param>
    /// <param name="Only">Mutant names or requirement IDs, comma-separated; null: the control and every mutant.</param>
    /// <param name="Jobs">Certifications at a time.</param>
    /// <param name="Lane">Run as a lane of a parent: these items only, one line each, no table.</param>
    public sealed record Options(string? OutDir, string? Only, int Jobs, bool Lane);

    /// <summary>Runs the matrix; returns the exit code.</summary>
    public static async Task<int> RunAsync(Options options, TextWriter stdout, CancellationToken stop)
    {
        var ledger = RequirementLedger.Load(Locations.Schemas);
        var items = Select(options.Only);
        var jobs = Math.Min(options.Jobs, items.Count);
        var started = Stopwatch.StartNew();
        var printer = new Printer(stdout, items.Count, numbered: !options.Lane);
        var done = jobs <= 1 || options.Lane
            ? await RunHereAsync(items, ledger, printer, stop)
            : await RunLanesAsync(items, jobs, printer, stop);
        var control = done.Select(d => d.Control).FirstOrDefault(c => c is not null);
        var mutants = items.Where(i => i is not null).Select(i => done.Single(d => d.Mutant?.Name == i!.Name).Mutant!).ToList();
        var matrix = new KillMatrix(KillMatrix.CurrentSchemaVersion, Locations.ToolVersion, RunReport.HashOf(Locations.LedgerFile), DateTimeOffset.UtcNow,
            Math.Round(started.Elapsed.TotalSeconds, 1), Math.Max(jobs, 1), control, mutants,
            options.Only is null ? Faults.Unmutated.Select(u => new UnmutatedRequirement(u.Requirement, u.Reason)).ToList() : []);
        var locations = Locations.Find();
        var output = Path.GetFullPath(options.OutDir ?? Path.Combine(locations.Reports, "mutants-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)));
        var path = matrix.Write(output);
        if (options.Lane)
        {
            return ExitCodes.Ok;
        }
        await WriteTableAsync(stdout, matrix, ledger);
        await stdout.WriteLineAsync($"matrix: {Path.GetRelativePath(Environment.CurrentDirectory, path)}");
        return matrix.Proven && mutants.Count + (control is null ? 0 : 1) == items.Count ? ExitCodes.Ok : ExitCodes.Failed;
    }

    /// <summary>The control (null) and the mutants <paramref name="only"/> names, in catalogue order.</summary>
    private static List<Fault?> Select(string? only)
    {
        if (only is null)
        {
            return [null, .. Faults.Catalogue];
        }
        var names = only.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = names.Where(n => n != ControlName && !Faults.Catalogue.Any(f => f.Name == n || f.Requirement == n)).ToList();
        if (unknown.Count > 0 || names.Length == 0)
        {
            throw new UsageException($"--only: unknown mutant '{string.Join("', '", unknown)}'; the mutants: {ControlName} (the control), {string.Join(", ", Faults.Catalogue.Select(f => f.Name))}");
        }
        var selected = new List<Fault?>();
        if (names.Contains(ControlName))
        {
            selected.Add(null);
        }
        selected.AddRange(Faults.Catalogue.Where(f => names.Contains(f.Name) || names.Contains(f.Requirement)));
        return selected;
    }

    /// <summary>Certifies <paramref name="items"/> one after another in this process.</summary>
    private static async Task<List<Done>> RunHereAsync(List<Fault?> items, RequirementLedger ledger, Printer printer, CancellationToken stop)
    {
        var settings = HarnessSettings.Read(Environment.GetEnvironmentVariable, _ => null);
        var done = new List<Done>();
        foreach (var fault in items)
        {
            stop.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            Done result;
            try
            {
                await using var server = await ReferenceServer.StartAsync(new ReferenceOptions { Fault = fault?.Name }, stop);
                var profile = TargetProfile.Parse(server.TargetProfileJson(), fault is null ? "control: the reference server" : $"mutant {fault.Name}", _ => null);
                var run = await SuiteRunner.RunAsync(new SuiteRunOptions { Profile = profile, Settings = settings }, stop);
                var scenarios = run.Results.Results;
                var verdict = RunVerdict.Judge(ledger, scenarios);
                var seconds = Math.Round(clock.Elapsed.TotalSeconds, 1);
                result = fault is null
                    ? new Done(new ControlRun(verdict.Level, MutantResult.Broken(verdict, scenarios), seconds), null)
                    : new Done(null, MutantResult.Judge(fault.Name, fault.Requirement, fault.Description, verdict, scenarios, seconds));
            }
            catch (Exception e) when (e is not OperationCanceledException && fault is not null)
            {
                result = new Done(null, Failed(fault, e.GetType().Name + ": " + e.Message.Split('\n')[0], clock.Elapsed.TotalSeconds));
            }
            done.Add(result);
            printer.Line(Describe(result));
        }
        return done;
    }

    /// <summary>Splits <paramref name="items"/> into <paramref name="jobs"/> lanes, each a child process of this command.</summary>
    private static async Task<List<Done>> RunLanesAsync(List<Fault?> items, int jobs, Printer printer, CancellationToken stop)
    {
        var work = Path.Combine(Path.GetTempPath(), "mpsd-mutants-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var lanes = Enumerable.Range(0, jobs).Select(lane => items.Where((_, i) => i % jobs == lane).ToList()).ToList();
            var results = await Task.WhenAll(lanes.Select((lane, i) => RunLaneAsync(lane, Path.Combine(work, $"lane-{i}"), printer, stop)));
            return results.SelectMany(r => r).ToList();
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    private static async Task<List<Done>> RunLaneAsync(List<Fault?> lane, string output, Printer printer, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { typeof(MutantMatrix).Assembly.Location, "selftest", "mutants", "--lane", "--jobs", "1", "--out", output, "--only" })
        {
            start.ArgumentList.Add(argument);
        }
        start.ArgumentList.Add(string.Join(",", lane.Select(f => f?.Name ?? ControlName)));
        using var child = Process.Start(start) ?? throw new InvalidOperationException("could not start a lane of the matrix");
        var errors = child.StandardError.ReadToEndAsync(stop);
        while (await child.StandardOutput.ReadLineAsync(stop) is { } line)
        {
            printer.Line(line);
        }
        try
        {
            await child.WaitForExitAsync(stop);
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            throw;
        }
        var path = Path.Combine(output, KillMatrix.FileName);
        if (child.ExitCode == ExitCodes.Ok && File.Exists(path))
        {
            var matrix = KillMatrix.Read(path);
            return [.. matrix.Mutants.Select(m => new Done(null, m)), .. matrix.Control is { } control ? [new Done(control, null)] : Array.Empty<Done>()];
        }
        var why = $"its lane ended with exit code {child.ExitCode}: {(await errors).Trim().Split('\n')[0]}";
        return lane.Where(f => f is not null).Select(f => new Done(null, Failed(f!, why, clock.Elapsed.TotalSeconds))).ToList();
    }

    /// <summary>The .NET host that runs this command (the tool's launcher or <c>dotnet</c> itself).</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath!
        : "dotnet";

    private static MutantResult Failed(Fault fault, string why, double seconds) =>
        new(fault.Name, fault.Requirement, "", fault.Description, MutantOutcome.Error, [], [], Math.Round(seconds, 1), why);

    private static string Describe(Done done)
    {
        if (done.Control is { } control)
        {
            var broken = control.Broken.Count == 0 ? "" : ": " + string.Join(", ", control.Broken.Select(b => $"{b.Requirement} {Words.Of(b.Verdict)}"));
            return $"control  {ControlName} (the reference server itself): {Words.Of(control.Level)}{broken}, {control.Seconds:F1} s";
        }
        var m = done.Mutant!;
        var result = m.Outcome switch
        {
            MutantOutcome.Killed => $"killed   {m.Name} ({m.Requirement}) by {string.Join(", ", m.KilledBy)}",
            MutantOutcome.Survived => $"SURVIVED {m.Name} ({m.Requirement})",
            _ => $"ERROR    {m.Name} ({m.Requirement}): {m.Error}",
        };
        return $"{result}{Collateral(m)}, {m.Seconds:F1} s";
    }

    private static async Task WriteTableAsync(TextWriter stdout, KillMatrix matrix, RequirementLedger ledger)
    {
        await stdout.WriteLineAsync();
        await stdout.WriteLineAsync($"{"requirement",-36} {"level",-6} {"mutant",-38} {"result",-9} killed by / collateral");
        foreach (var m in matrix.Mutants)
        {
            var result = m.Outcome switch
            {
                MutantOutcome.Killed => m.HasCollateralMust ? "COLLATERAL" : "killed",
                MutantOutcome.Survived => "SURVIVED",
                _ => "ERROR",
            };
            var detail = m.KilledBy.Count switch
            {
                0 => "",
                1 => m.KilledBy[0],
                _ => $"{m.KilledBy[0]} (+{m.KilledBy.Count - 1})",
            };
            detail += Collateral(m);
            await stdout.WriteLineAsync($"{m.Requirement,-36} {m.Level,-6} {m.Name,-38} {result,-9} {detail}");
        }
        var must = matrix.Mutants.Count(m => m.Level == "MUST");
        var covered = ledger.Requirements.Count(r => r.Level is "MUST" or "SHOULD" && r.Coverage.State == "covered");
        await stdout.WriteLineAsync();
        await stdout.WriteLineAsync(
            $"kill matrix: {matrix.Mutants.Count} mutants ({must} MUST, {matrix.Mutants.Count - must} SHOULD) of {covered} covered MUST/SHOULD requirements "
            + $"({Faults.Unmutated.Count} without a mutant); {matrix.Killed} killed, {matrix.Survived} survived, {matrix.WithCollateralMust} with collateral MUST failures; "
            + $"kill score {matrix.KillScore * 100:F0}%; control: {(matrix.Control is { } c ? Words.Of(c.Level) : "not run")}; "
            + $"{matrix.Mutants.Count + (matrix.Control is null ? 0 : 1)} certifications in {matrix.Lanes} lane(s), {matrix.Seconds:F0} s");
    }

    private static string Collateral(MutantResult m) => m.Collateral.Count switch
    {
        0 => "",
        <= 6 => "; collateral: " + string.Join(", ", m.Collateral.Select(c => $"{c.Requirement} {Words.Of(c.Verdict)}")),
        _ => $"; collateral: {m.Collateral.Count} requirements ({m.Collateral.Count(c => c.Level == "MUST" && c.Verdict == Verdict.Fail)} MUST failures)",
    };

    /// <summary>One certification's judgement: the control's or a mutant's.</summary>
    private sealed record Done(ControlRun? Control, MutantResult? Mutant);

    /// <summary>Progress lines from any lane, one at a time, numbered in the parent.</summary>
    private sealed class Printer(TextWriter stdout, int total, bool numbered)
    {
        private readonly Lock _lock = new();
        private int _count;

        public void Line(string text)
        {
            lock (_lock)
            {
                _count++;
                stdout.WriteLine(numbered ? $"  [{_count,3}/{total}] {text}" : text);
                stdout.Flush();
            }
        }
    }
}
