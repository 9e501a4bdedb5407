using MpsdConformance.Results;

namespace MpsdConformance.Cli;

/// <summary>The console summary at the end of <c>mpsd certify</c>: counts, broken requirements, readings, level, where the results are.</summary>
internal static class CertifySummary
{
    /// <summary>Writes the summary lines.</summary>
    public static async Task WriteAsync(TextWriter stdout, RunVerdict verdict, IReadOnlyList<ScenarioResult> results, TimeSpan elapsed, string output, string? stopReason = null)
    {
        var counts = verdict.Counts;
        var requests = results.Sum(r => r.Exchanges.Count);
        var testTime = results.Sum(r => r.DurationMs) / 1000;
        await stdout.WriteLineAsync();
        await stdout.WriteLineAsync($"{results.Count} scenarios, {requests} requests, {testTime:F1} s of test time, {elapsed.TotalSeconds:F0} s in all");
        await stdout.WriteLineAsync($"requirements: {counts[Verdict.Pass]} passed, {counts[Verdict.Fail]} failed, {counts[Verdict.Warn]} warned, {counts[Verdict.NotApplicable]} not-applicable, {counts[Verdict.Inconclusive]} inconclusive, {counts[Verdict.NotRun]} not-run");
        foreach (var broken in verdict.Requirements.Where(r => r.Verdict.IsBroken()))
        {
            await stdout.WriteLineAsync($"  {Words.Of(broken.Verdict).ToUpperInvariant()} {broken.Id} ({broken.Level}): {ReportText.Plain(broken.Statement)}");
            foreach (var problem in broken.Problems.Take(3))
            {
                await stdout.WriteLineAsync($"       {ReportText.Plain(problem)}");
            }
        }
        var readings = verdict.Requirements.Where(r => r.Readings.Count > 0).Select(r => $"{r.Id}={string.Join("/", r.Readings)}").ToList();
        if (readings.Count > 0)
        {
            await stdout.WriteLineAsync($"readings chosen where the docs allow several: {ReportText.Plain(string.Join(", ", readings))}");
        }
        // A partial run proves a failure it met, never conformance: the level of the part that ran is named as such.
        await stdout.WriteLineAsync(stopReason is null ? $"level: {Words.Of(verdict.Level)}"
            : verdict.Level == ConformanceLevel.NonConformant ? "level: non-conformant (a MUST failed before the run stopped; a partial run)"
            : "level: not determined (a partial run; no MUST failed in the part that ran)");
        await stdout.WriteLineAsync($"results: {Path.GetRelativePath(Environment.CurrentDirectory, output)}");
    }
}
