using MpsdConformance.Contract;
using MpsdConformance.Reporting;
using MpsdConformance.Results;

namespace MpsdConformance.Cli;

/// <summary>A certify run's reports: from the results, the ledger and the verdict to the <see cref="RunReport"/> and its files.</summary>
/// <param name="Locations">Where the tool runs from (the commit the reports name, the reports folder).</param>
/// <param name="RunId">The run's ID, the name of its default folder.</param>
/// <param name="Command">The command that reproduces the run.</param>
internal sealed record ReportBuilder(Locations Locations, string RunId, string Command)
{
    /// <summary>
    /// Makes the report of a judged run (complete or partial) and writes every file of it into <paramref name="output"/>:
    /// scenario-results.json, run.log (<paramref name="runLog"/>, already redacted), verdicts.json, junit.xml,
    /// compliance.html and allure-results/; with <paramref name="linkLatest"/>, <c>latest</c> in the reports folder then
    /// points at the run's folder. A writer that fails does not stop the others: its file and why are in
    /// <see cref="WrittenReport.Failures"/>.
    /// </summary>
    public WrittenReport Write(RunResults results, RequirementLedger ledger, RunVerdict verdict, string runLog, string output, bool linkLatest)
    {
        var report = new RunReport(RunId, Locations.ToolVersion, Locations.Commit(), RunReport.HashOf(Locations.LedgerFile), TargetInfo.Of(results.Target),
            results.Started, results.Finished, Command, ledger, verdict, results.Results)
        {
            Proof = KillMatrix.TryRead(Locations.KillMatrixFile),
            StopReason = results.StopReason,
        };
        var failures = new List<string>();
        void Try(string file, Action write)
        {
            try
            {
                write();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failures.Add($"{file}: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
            }
        }
        Try(RunResults.FileName, () => results.Write(output));
        Try("run.log", () => File.WriteAllText(Path.Combine(output, "run.log"), ReportText.Plain(runLog)));
        Try("verdicts.json", () => VerdictsWriter.Write(report, output));
        Try("junit.xml", () => JUnitWriter.Write(report, output));
        Try("compliance.html", () => HtmlReport.Write(report, output));
        Try("allure-results/", () => AllureWriter.Write(report, Path.Combine(output, "allure-results")));
        if (linkLatest)
        {
            LinkLatest();
        }
        return new WrittenReport(report, failures);
    }

    private void LinkLatest()
    {
        var latest = Path.Combine(Locations.Reports, "latest");
        try
        {
            if (Directory.Exists(latest) || File.Exists(latest))
            {
                File.Delete(latest);
            }
            File.CreateSymbolicLink(latest, RunId);
        }
        catch (IOException)
        {
            // Not fatal: the run's own folder is printed.
        }
    }
}

/// <summary>A written report and the files that could not be written (each "file: why").</summary>
internal sealed record WrittenReport(RunReport Report, IReadOnlyList<string> Failures);
