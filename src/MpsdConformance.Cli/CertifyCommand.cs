using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MpsdConformance.Contract;
using MpsdConformance.Harness;
using MpsdConformance.Hosting;
using MpsdConformance.Reporting;
using MpsdConformance.Results;

namespace MpsdConformance.Cli;

/// <summary><c>mpsd certify [--profile FILE] [--out DIR] [--filter EXPR]</c>: run the suite, judge the target.</summary>
internal static class CertifyCommand
{
    private const string Help = """
        usage: mpsd certify [--profile FILE] [--out DIR] [--filter EXPR] [--known-issues FILE]

        Runs the conformance suite (tests/MpsdConformance.Scenarios) against a target and judges every
        requirement of the ledger: pass, fail (a MUST broken), warn (a SHOULD broken), not-applicable,
        inconclusive or not-run. With no profile it certifies the embedded reference server.

        options:
          --profile FILE  the target profile (base URL, scid, templates, users, server); ${VAR} is read from
                          the environment. Also MPSD_PROFILE.
          --out DIR       where the results go (default reports/<run-id>; reports/latest points at it)
          --filter EXPR   only requirements matching EXPR: an ID, a glob (PUT-*, *-412) or a ledger area
                          (concurrency, members, ...); several separated by commas
          --known-issues FILE  accepted failures ({"knownIssues": [{"requirement", "test"?, "reason",
                          "link", "expires": "yyyy-MM-dd"}]}): the run then fails only on a failure not
                          listed, a listed failure that now passes, an entry that matched nothing, or an
                          expired entry

        It writes verdicts.json, compliance.html, junit.xml, allure-results/ (render with 'mpsd report
        --allure'), scenario-results.json and run.log, then scans every file for the profile's secrets.

        exit codes: 0 conformant (no MUST fails), 1 non-conformant, 2 configuration error or unreachable target
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken stop)
    {
        string? profilePath = Environment.GetEnvironmentVariable("MPSD_PROFILE") is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
        string? outDir = null;
        string? filter = null;
        string? knownIssuesPath = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--help" or "-h":
                    await stdout.WriteLineAsync(Help);
                    return ExitCodes.Ok;
                case "--profile":
                    profilePath = Value();
                    break;
                case "--out":
                    outDir = Value();
                    break;
                case "--filter":
                    filter = Value();
                    break;
                case "--known-issues":
                    knownIssuesPath = Value();
                    break;
                default:
                    throw new UsageException($"unknown option '{args[i]}' (see 'mpsd certify --help')");
            }
        }
        var root = RepoRoot() ?? throw new UsageException("cannot find the MpsdConformance repository (run ./mpsd from a clone)");
        var ledger = RequirementLedger.Load(Path.Combine(root, "schemas"));
        HashSet<string>? selected = null;
        if (filter is not null)
        {
            selected = Select(ledger, filter);
            if (selected.Count == 0)
            {
                throw new UsageException($"--filter '{filter}' matches no requirement ID or area of the ledger");
            }
        }

        IReadOnlyList<KnownIssue>? knownIssues = null;
        if (knownIssuesPath is not null)
        {
            try
            {
                knownIssues = KnownIssues.Load(knownIssuesPath);
            }
            catch (KnownIssuesException e)
            {
                await stderr.WriteLineAsync($"mpsd certify: {e.Message}");
                return ExitCodes.Usage;
            }
        }

        TargetProfile? profile = null;
        if (profilePath is not null)
        {
            profilePath = Path.GetFullPath(profilePath);
            try
            {
                profile = TargetProfile.Load(profilePath);
            }
            catch (ProfileException e)
            {
                await stderr.WriteLineAsync($"mpsd certify: {e.Message}");
                return ExitCodes.Usage;
            }
            var unreachable = await TargetProbe.CheckAsync(profile, TimeSpan.FromSeconds(10), stop);
            if (unreachable is not null)
            {
                await stderr.WriteLineAsync($"mpsd certify: target unreachable: {unreachable}");
                return ExitCodes.Usage;
            }
        }
        HarnessSettings settings;
        try
        {
            settings = HarnessSettings.Read(Environment.GetEnvironmentVariable, _ => null);
        }
        catch (ProfileException e)
        {
            await stderr.WriteLineAsync($"mpsd certify: {e.Message}");
            return ExitCodes.Usage;
        }
        return await Certify(root, ledger, selected, profile, settings, outDir, filter, knownIssuesPath, knownIssues, stdout, stderr, stop);
    }

    private static async Task<int> Certify(string root, RequirementLedger ledger, HashSet<string>? selected, TargetProfile? profile, HarnessSettings settings,
        string? outDir, string? filter, string? knownIssuesPath, IReadOnlyList<KnownIssue>? knownIssues,
        TextWriter stdout, TextWriter stderr, CancellationToken stop)
    {
        var runId = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..4];
        var output = Path.GetFullPath(outDir ?? Path.Combine(root, "reports", runId));
        Directory.CreateDirectory(output);
        var label = profile is null ? $"the {TargetHost.EmbeddedLabel}" : new Redactor(profile.Secrets).Redact(profile.BaseUrl.ToString());
        await stdout.WriteLineAsync($"MPSD conformance: certifying {label}");

        var started = Stopwatch.StartNew();
        var log = new StringBuilder();
        var progress = new Lock();
        Redactor? redactor = null;
        void Progress(ScenarioEvent e)
        {
            if (e.Outcome is not { } outcome)
            {
                return;
            }
            var mark = outcome switch { Outcome.Passed => "pass", Outcome.Failed or Outcome.Error => "FAIL", _ => "skip" };
            var line = $"  [{e.Finished,3}] {mark} {e.Name}";
            lock (progress)
            {
                log.AppendLine($"{Words.Of(outcome)} {e.FullName}");
                stdout.WriteLine(redactor?.Redact(line) ?? line);
            }
        }
        if (profile is not null)
        {
            redactor = new Redactor(profile.Secrets);
        }
        SuiteRunResult run;
        try
        {
            run = await SuiteRunner.RunAsync(new SuiteRunOptions { Profile = profile, Settings = settings, Requirements = selected, Progress = Progress }, stop);
        }
        catch (FileNotFoundException e)
        {
            await stderr.WriteLineAsync($"mpsd certify: {e.Message}");
            return ExitCodes.Usage;
        }
        var results = run.Results;
        if (results.Results.Count == 0)
        {
            await stderr.WriteLineAsync("mpsd certify: the suite ran no scenario (a filter that selects none, or a broken build of the suite)");
            return ExitCodes.Usage;
        }
        results.Write(output);
        await File.WriteAllTextAsync(Path.Combine(output, "run.log"), run.Redactor.Redact(log.ToString()), CancellationToken.None);
        var verdict = RunVerdict.Judge(ledger, results.Results, selected);
        var report = BuildReport(root, runId, ledger, verdict, results, Command(profile?.Source, filter, knownIssuesPath));
        VerdictsWriter.Write(report, output);
        JUnitWriter.Write(report, output);
        HtmlReport.Write(report, output);
        AllureWriter.Write(report, Path.Combine(output, "allure-results"));
        if (outDir is null)
        {
            Latest(Path.Combine(root, "reports"), runId);
        }
        await Summary(stdout, verdict, results.Results, started.Elapsed, output);

        var exit = verdict.Level == ConformanceLevel.NonConformant ? ExitCodes.Failed : ExitCodes.Ok;
        if (knownIssues is not null)
        {
            var gate = KnownIssues.Evaluate(knownIssues, report, DateOnly.FromDateTime(DateTime.UtcNow), selected);
            foreach (var problem in gate.Problems)
            {
                await stdout.WriteLineAsync($"gate: {problem}");
            }
            if (gate.PasteReady.Count > 0)
            {
                await stdout.WriteLineAsync("gate: to accept these failures, add to the known-issues file:");
                foreach (var entry in gate.PasteReady)
                {
                    await stdout.WriteLineAsync($"  {entry},");
                }
            }
            await stdout.WriteLineAsync(gate.Passed ? "gate: passed (known issues only)" : "gate: FAILED");
            exit = gate.Passed ? ExitCodes.Ok : ExitCodes.Failed;
        }
        var leaks = LeakScanner.Scan(output, run.Secrets);
        if (leaks.Count > 0)
        {
            await stderr.WriteLineAsync($"mpsd certify: a secret of the profile appears in {string.Join(", ", leaks)}; the run fails (exit 2)");
            return ExitCodes.Usage;
        }
        return exit;
    }

    private static RunReport BuildReport(string root, string runId, RequirementLedger ledger, RunVerdict verdict, RunResults results, string command)
    {
        var version = typeof(CertifyCommand).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        return new RunReport(runId, version, GitCommit(root), RunReport.HashOf(Path.Combine(root, "schemas", ContractFiles.LedgerFileName)),
            TargetInfo.Of(results.Target), results.Started, results.Finished, command, ledger, verdict, results.Results);
    }

    private static string Command(string? profilePath, string? filter, string? knownIssues)
    {
        var text = new StringBuilder("./mpsd certify");
        if (profilePath is not null)
        {
            text.Append(" --profile ").Append(Quote(Path.GetRelativePath(Environment.CurrentDirectory, profilePath)));
        }
        if (filter is not null)
        {
            text.Append(" --filter ").Append(Quote(filter));
        }
        if (knownIssues is not null)
        {
            text.Append(" --known-issues ").Append(Quote(knownIssues));
        }
        return text.ToString();
    }

    private static string Quote(string value) => value.Any(c => char.IsWhiteSpace(c) || c is '*' or '"' or '\'') ? $"'{value}'" : value;

    private static string GitCommit(string root)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", ["-C", root, "rev-parse", "--short", "HEAD"]) { RedirectStandardOutput = true, RedirectStandardError = true });
            var commit = git?.StandardOutput.ReadToEnd().Trim();
            git?.WaitForExit(5000);
            return string.IsNullOrEmpty(commit) ? "unknown" : commit;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }

    private static async Task Summary(TextWriter stdout, RunVerdict verdict, IReadOnlyList<ScenarioResult> results, TimeSpan elapsed, string output)
    {
        var counts = verdict.Counts;
        var requests = results.Sum(r => r.Exchanges.Count);
        var testTime = results.Sum(r => r.DurationMs) / 1000;
        await stdout.WriteLineAsync();
        await stdout.WriteLineAsync($"{results.Count} scenarios, {requests} requests, {testTime:F1} s of test time, {elapsed.TotalSeconds:F0} s in all");
        await stdout.WriteLineAsync($"requirements: {counts[Verdict.Pass]} passed, {counts[Verdict.Fail]} failed, {counts[Verdict.Warn]} warned, {counts[Verdict.NotApplicable]} not-applicable, {counts[Verdict.Inconclusive]} inconclusive, {counts[Verdict.NotRun]} not-run");
        foreach (var broken in verdict.Requirements.Where(r => r.Verdict.IsBroken()))
        {
            await stdout.WriteLineAsync($"  {Words.Of(broken.Verdict).ToUpperInvariant()} {broken.Id} ({broken.Level}): {broken.Statement}");
            foreach (var problem in broken.Problems.Take(3))
            {
                await stdout.WriteLineAsync($"       {problem}");
            }
        }
        var readings = verdict.Requirements.Where(r => r.Readings.Count > 0).Select(r => $"{r.Id}={string.Join("/", r.Readings)}").ToList();
        if (readings.Count > 0)
        {
            await stdout.WriteLineAsync($"readings chosen where the docs allow several: {string.Join(", ", readings)}");
        }
        await stdout.WriteLineAsync($"level: {Words.Of(verdict.Level)}");
        await stdout.WriteLineAsync($"results: {Path.GetRelativePath(Environment.CurrentDirectory, output)}");
    }

    private static HashSet<string> Select(RequirementLedger ledger, string filter)
    {
        var selected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in filter.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var glob = new Regex("^" + Regex.Escape(part).Replace("\\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.IgnoreCase);
            selected.UnionWith(ledger.Requirements.Where(r => glob.IsMatch(r.Id) || string.Equals(r.Area, part, StringComparison.OrdinalIgnoreCase)).Select(r => r.Id));
        }
        return selected;
    }

    private static void Latest(string reports, string runId)
    {
        var latest = Path.Combine(reports, "latest");
        try
        {
            if (Directory.Exists(latest) || File.Exists(latest))
            {
                File.Delete(latest);
            }
            File.CreateSymbolicLink(latest, runId);
        }
        catch (IOException)
        {
            // Not fatal: the run's own folder is printed.
        }
    }

    internal static string? RepoRoot()
    {
        foreach (var start in new[] { Environment.GetEnvironmentVariable("MPSD_REPO_ROOT"), AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = start is null ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "MpsdConformance.sln")))
                {
                    return dir.FullName;
                }
            }
        }
        return null;
    }
}
