using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MpsdConformance.Contract;
using MpsdConformance.Harness;
using MpsdConformance.Hosting;
using MpsdConformance.Reporting;
using MpsdConformance.Results;

namespace MpsdConformance.Cli;

/// <summary>
/// <c>mpsd certify [--profile FILE] [--out DIR] [--filter EXPR] [--known-issues FILE] [--record-mappings DIR]</c>: run
/// the suite, judge the target. The flow: options, target, run (<see cref="SuiteRunner"/>), reports
/// (<see cref="ReportBuilder"/>), the WireMock mappings when asked (<see cref="MappingWriter"/>), summary
/// (<see cref="CertifySummary"/>), the known-issues gate, the leak scan.
/// </summary>
internal static class CertifyCommand
{
    private const string Description = """
        Run the conformance suite against a target and judge every requirement of the ledger.

        Each requirement ends pass, fail (a MUST broken), warn (a SHOULD or MAY broken), not-applicable, inconclusive
        or not-run. With no profile it certifies the embedded reference server. It writes verdicts.json,
        compliance.html, junit.xml, allure-results/ (render with 'mpsd report --allure'), scenario-results.json and
        run.log (and with --record-mappings, every exchange as WireMock mappings), then scans every file it wrote for
        the profile's secrets.

        A run always ends with its report: after MPSD_STALL_AFTER timeouts or connection failures in a row the target is
        taken as stalled, and past --max-duration (default 30m) or on Ctrl-C/SIGTERM the run stops; the scenarios not
        finished end inconclusive or not-run, and the reports say the run was partial and why.

        exit codes: 0 conformant (no MUST fails; with --known-issues, known issues only), 1 non-conformant (a MUST
        failed, before the stop too) or the gate failed, 2 configuration error, unreachable or stalled target, a
        passed deadline, a report file that could not be written, or a secret found in the reports, 130 interrupted
        (Ctrl-C or SIGTERM; the partial report is written)
        """;

    /// <summary>The verb.</summary>
    public static Command Create()
    {
        var command = new Command("certify", Description);
        var options = CertifyOptions.AddTo(command);
        command.SetAction((parsed, stop) => RunAsync(options(parsed), parsed.InvocationConfiguration.Output, parsed.InvocationConfiguration.Error, stop));
        return command;
    }

    private static async Task<int> RunAsync(CertifyOptions options, TextWriter stdout, TextWriter stderr, CancellationToken stop)
    {
        var ledger = RequirementLedger.Load(Locations.Schemas);
        var selected = options.Select(ledger);

        IReadOnlyList<KnownIssue>? knownIssues = null;
        TargetProfile? profile = null;
        HarnessSettings settings;
        try
        {
            if (options.KnownIssuesPath is not null)
            {
                knownIssues = KnownIssues.Load(options.KnownIssuesPath);
            }
            settings = HarnessSettings.Read(Environment.GetEnvironmentVariable, _ => null);
            if (options.ProfilePath is not null)
            {
                profile = TargetProfile.Load(Path.GetFullPath(options.ProfilePath));
                // The probe waits as long as one request of the run may (MPSD_REQUEST_TIMEOUT_SECONDS).
                var unreachable = await TargetProbe.CheckAsync(profile, settings.RequestTimeout, stop);
                if (unreachable is not null)
                {
                    throw new UsageException($"target unreachable: {unreachable}");
                }
            }
        }
        catch (Exception e) when (e is KnownIssuesException or ProfileException)
        {
            throw new UsageException(e.Message);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("mpsd certify: interrupted before the run started; nothing was written");
            return ExitCodes.Interrupted;
        }

        var locations = Locations.Find();
        var runId = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..4];
        var output = Path.GetFullPath(options.OutDir ?? Path.Combine(locations.Reports, runId));
        Directory.CreateDirectory(output);
        var label = profile is null ? $"the {TargetHost.EmbeddedLabel}" : new Redactor(profile.Secrets).Redact(profile.BaseUrl.ToString());
        await stdout.WriteLineAsync($"MPSD conformance: certifying {label}");

        // The run's deadline and an interrupt (Ctrl-C, SIGTERM) stop it the same way: no request is sent any more, the
        // scenarios not finished end inconclusive, and the partial report is written and scanned.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
        deadline.CancelAfter(options.Deadline);
        string WhyStopped() => stop.IsCancellationRequested
            ? "the run was interrupted (Ctrl-C or SIGTERM)"
            : $"the run's deadline passed (--max-duration {Duration(options.Deadline)})";

        var started = Stopwatch.StartNew();
        var progress = new CertifyProgress(stdout, profile is null ? null : new Redactor(profile.Secrets));
        var recorder = options.RecordMappings is null ? null : new WireRecorder();
        SuiteRunResult? run = null;
        MappingSet? mappings = null;
        var leaked = false;
        int exit;
        try
        {
            try
            {
                run = await SuiteRunner.RunAsync(new SuiteRunOptions
                {
                    Profile = profile, Settings = settings, Requirements = selected, Progress = progress.Report, Recorder = recorder, WhyStopped = WhyStopped,
                }, deadline.Token);
            }
            catch (FileNotFoundException e)
            {
                throw new UsageException(e.Message);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                // Stopped while the target or the suite was still starting: a report with nothing run.
                run = null;
            }
            var redactor = run?.Redactor ?? new Redactor(profile?.Secrets ?? []);
            var results = run?.Results ?? RunResults.Of(Describe(profile, redactor), DateTimeOffset.UtcNow - started.Elapsed, DateTimeOffset.UtcNow, []);
            if (results.StopReason is null && deadline.IsCancellationRequested)
            {
                results = SuiteRunner.Unfinished(results, WhyStopped());
            }
            if (results.Results.Count == 0 && results.StopReason is null)
            {
                throw new UsageException("the suite ran no scenario (a filter that selects none, or a broken build of the suite)");
            }
            var verdict = RunVerdict.Judge(ledger, results.Results, selected);
            var reports = new ReportBuilder(locations, runId, options.Reproduce(locations.Invocation, profile?.Source));
            var written = reports.Write(results, ledger, verdict, redactor.Redact(progress.Log), output, linkLatest: options.OutDir is null);
            foreach (var failure in written.Failures)
            {
                await stderr.WriteLineAsync($"mpsd certify: a report file could not be written: {redactor.Redact(failure)}");
            }
            await CertifySummary.WriteAsync(stdout, verdict, results.Results, started.Elapsed, output, results.StopReason);
            var cleanup = results.Results.SelectMany(r => r.CleanupProblems).ToList();
            if (cleanup.Count > 0)
            {
                await stdout.WriteLineAsync($"cleanup: {cleanup.Count} session(s) the run made could not be removed, e.g. {cleanup[0]} (every one is in run.log and scenario-results.json)");
            }
            if (recorder is not null)
            {
                mappings = MappingWriter.Write(options.RecordMappings!, recorder.Exchanges);
                await stdout.WriteLineAsync($"mappings: {mappings.Mappings} in {mappings.Files} files: {Path.GetRelativePath(Environment.CurrentDirectory, mappings.Folder)}");
            }

            if (results.StopReason is { } reason)
            {
                // A partial run: a MUST that failed before it stopped still fails it; else it is a target (or operator) error.
                exit = stop.IsCancellationRequested ? ExitCodes.Interrupted
                    : verdict.Level == ConformanceLevel.NonConformant ? ExitCodes.Failed
                    : ExitCodes.Usage;
                await stdout.WriteLineAsync($"partial run: {reason}");
            }
            else
            {
                exit = verdict.Level == ConformanceLevel.NonConformant ? ExitCodes.Failed : ExitCodes.Ok;
                if (knownIssues is not null)
                {
                    exit = await GateAsync(knownIssues, written.Report, selected, stdout);
                }
            }
            if (written.Failures.Count > 0 && exit == ExitCodes.Ok)
            {
                exit = ExitCodes.Usage;
            }
        }
        finally
        {
            // Whatever was written is scanned, on every way out: success, failure, deadline, interrupt, an exception.
            var leaks = Leaks(output, mappings?.Folder, run?.Secrets ?? profile?.Secrets ?? []);
            if (leaks.Count > 0)
            {
                leaked = true;
                await stderr.WriteLineAsync($"mpsd certify: a secret of the profile appears in {string.Join(", ", leaks)}; the run fails (exit 2)");
            }
        }
        return leaked ? ExitCodes.Usage : exit;
    }

    /// <summary>The target as results describe it when the run stopped before the suite started.</summary>
    private static TargetDescription Describe(TargetProfile? profile, Redactor redactor) => profile is null
        ? new(TargetHost.EmbeddedLabel, "-", 107, TargetHost.EmbeddedLabel, new Dictionary<string, string>(), [], false)
        : new(redactor.Redact(profile.BaseUrl.ToString()), profile.Scid, profile.ContractVersion, profile.Source,
            new Dictionary<string, string>(profile.Templates), profile.Users.Select(u => u.Name).ToList(), profile.Server is not null);

    private static string Duration(TimeSpan span) =>
        span.TotalSeconds % 3600 == 0 ? $"{span.TotalHours:0}h" : span.TotalSeconds % 60 == 0 ? $"{span.TotalMinutes:0}m" : $"{span.TotalSeconds:0.#}s";

    /// <summary>
    /// The files of the run's results (relative to <paramref name="output"/>) and of its mappings (relative to the
    /// current directory) that hold a secret of the profile.
    /// </summary>
    internal static List<string> Leaks(string output, string? mappingsFolder, IReadOnlyList<string> secrets)
    {
        var leaks = LeakScanner.Scan(output, secrets).ToList();
        if (mappingsFolder is not null && Directory.Exists(mappingsFolder))
        {
            leaks.AddRange(LeakScanner.Scan(mappingsFolder, secrets).Select(file => Path.GetRelativePath(Environment.CurrentDirectory, Path.Combine(mappingsFolder, file))));
        }
        return leaks;
    }

    /// <summary>The known-issues gate: the run passes with known failures only.</summary>
    private static async Task<int> GateAsync(IReadOnlyList<KnownIssue> knownIssues, RunReport report, HashSet<string>? selected, TextWriter stdout)
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
        return gate.Passed ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
