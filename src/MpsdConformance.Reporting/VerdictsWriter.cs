using System.Text.Json;

namespace MpsdConformance.Reporting;

/// <summary>verdicts.json: the machine-readable result (schemas/verdicts.schema.json).</summary>
public static class VerdictsWriter
{
    private static readonly JsonSerializerOptions Options = ReportJson.Options;

    public static string ToJson(RunReport report) => JsonSerializer.Serialize(new
    {
        schemaVersion = 1,
        runId = report.RunId,
        tool = new { name = "mpsd-conformance", version = report.ToolVersion, commit = report.Commit },
        ledger = new { sha256 = report.LedgerSha256, requirements = report.Ledger.Requirements.Count },
        target = report.Target,
        started = report.Started,
        finished = report.Finished,
        command = report.Command,
        complete = report.StopReason is null,
        stopReason = report.StopReason,
        level = report.Verdict.Level,
        counts = report.Verdict.Counts,
        requirements = report.Verdict.Requirements.Select(v => new
        {
            id = v.Id,
            level = v.Level,
            area = v.Area,
            statement = v.Statement,
            verdict = v.Verdict,
            tests = report.ResultsFor(v.Id).Select(t => new { name = t.FullName, outcome = t.Outcome, message = t.Message }),
            problems = v.Problems,
            readings = v.Readings,
        }),
    }, Options);

    public static void Write(RunReport report, string directory) =>
        File.WriteAllText(Path.Combine(directory, "verdicts.json"), ToJson(report));
}
