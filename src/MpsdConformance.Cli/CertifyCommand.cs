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

        exit codes: 0 conformant (no MUST fails; with --known-issues, known issues only), 1 non-conformant or the
        gate failed, 2 configuration error, unreachable target, or a secret found in the reports
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
            if (options.ProfilePath is not null)
            {
                profile = TargetProfile.Load(Path.GetFullPath(options.ProfilePath));
                var unreachable = await TargetProbe.CheckAsync(profile, TimeSpan.FromSeconds(10), stop);
                if (unreachable is not null)
                {
                    throw new UsageException($"target unreachable: {unreachable}");
                }
            }
            settings = HarnessSettings.Read(Environment.GetEnvironmentVariable, _ => null);
        }
        catch (Exception e) when (e is KnownIssuesException or ProfileException)
        {
            throw new UsageException(e.Message);
        }

        var locations = Locations.Find();
        var runId = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..4];
        var output = Path.GetFullPath(options.OutDir ?? Path.Combine(locations.Reports, runId));
        Directory.CreateDirectory(output);
        var label = profile is null ? $"the {TargetHost.EmbeddedLabel}" : new Redactor(profile.Secrets).Redact(profile.BaseUrl.ToString());
        await stdout.WriteLineAsync($"MPSD conformance: certifying {label}");

        var started = Stopwatch.StartNew();
        var progress = new CertifyProgress(stdout, profile is null ? null : new Redactor(profile.Secrets));
        var recorder = options.RecordMappings is null ? null : new WireRecorder();
        SuiteRunResult run;
        try
        {
            run = await SuiteRunner.RunAsync(new SuiteRunOptions
            {
                Profile = profile, Settings = settings, Requirements = selected, Progress = progress.Report, Recorder = recorder,
            }, stop);
        }
        catch (FileNotFoundException e)
        {
            throw new UsageException(e.Message);
        }
        var results = run.Results;
        if (results.Results.Count == 0)
        {
            throw new UsageException("the suite ran no scenario (a filter that selects none, or a broken build of the suite)");
        }
        var verdict = RunVerdict.Judge(ledger, results.Results, selected);
        var reports = new ReportBuilder(locations, runId, options.Reproduce(locations.Invocation, profile?.Source));
        var report = reports.Write(results, ledger, verdict, run.Redactor.Redact(progress.Log), output, linkLatest: options.OutDir is null);
        await CertifySummary.WriteAsync(stdout, verdict, results.Results, started.Elapsed, output);
        MappingSet? mappings = null;
        if (recorder is not null)
        {
            mappings = MappingWriter.Write(options.RecordMappings!, recorder.Exchanges);
            await stdout.WriteLineAsync($"mappings: {mappings.Mappings} in {mappings.Files} files: {Path.GetRelativePath(Environment.CurrentDirectory, mappings.Folder)}");
        }

        var exit = verdict.Level == ConformanceLevel.NonConformant ? ExitCodes.Failed : ExitCodes.Ok;
        if (knownIssues is not null)
        {
            exit = await GateAsync(knownIssues, report, selected, stdout);
        }
        var leaks = Leaks(output, mappings?.Folder, run.Secrets);
        if (leaks.Count > 0)
        {
            await stderr.WriteLineAsync($"mpsd certify: a secret of the profile appears in {string.Join(", ", leaks)}; the run fails (exit 2)");
            return ExitCodes.Usage;
        }
        return exit;
    }

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
