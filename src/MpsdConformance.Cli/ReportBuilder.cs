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
    /// Makes the report of a judged run and writes every file of it into <paramref name="output"/>: scenario-results.json,
    /// run.log (<paramref name="runLog"/>, already redacted), verdicts.json, junit.xml, compliance.html and allure-results/;
    /// with <paramref name="linkLatest"/>, <c>latest</c> in the reports folder then points at the run's folder.
    /// </summary>
    public RunReport Write(RunResults results, RequirementLedger ledger, RunVerdict verdict, string runLog, string output, bool linkLatest)
    {
        var report = new RunReport(RunId, Locations.ToolVersion, Locations.Commit(), RunReport.HashOf(Locations.LedgerFile), TargetInfo.Of(results.Target),
            results.Started, results.Finished, Command, ledger, verdict, results.Results)
        {
            Proof = KillMatrix.TryRead(Locations.KillMatrixFile),
        };
        results.Write(output);
        File.WriteAllText(Path.Combine(output, "run.log"), ReportText.Plain(runLog));
        VerdictsWriter.Write(report, output);
        JUnitWriter.Write(report, output);
        HtmlReport.Write(report, output);
        AllureWriter.Write(report, Path.Combine(output, "allure-results"));
        if (linkLatest)
        {
            LinkLatest();
        }
        return report;
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
