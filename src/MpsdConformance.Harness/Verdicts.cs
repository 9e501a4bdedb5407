using System.Text.Json;
using MpsdConformance.Contract;

namespace MpsdConformance.Harness;

/// <summary>One requirement's verdict for a run.</summary>
public sealed record RequirementVerdict(
    string Id,
    string Level,
    string Area,
    string Statement,
    string Verdict,
    IReadOnlyList<string> Tests,
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> Readings);

/// <summary>The run's verdicts and level (ARCHITECTURE.md's verdict model).</summary>
public sealed record RunVerdict(IReadOnlyList<RequirementVerdict> Requirements)
{
    /// <summary>How many requirements got each verdict.</summary>
    public IReadOnlyDictionary<string, int> Counts =>
        new[] { "pass", "fail", "warn", "not-applicable", "inconclusive", "not-run" }
            .ToDictionary(v => v, v => Requirements.Count(r => r.Verdict == v));

    /// <summary>"fully conformant", "MUST-conformant" or "non-conformant".</summary>
    public string Level =>
        Requirements.Any(r => r.Verdict == "fail") ? "non-conformant"
        : Requirements.Any(r => r.Verdict == "warn") ? "MUST-conformant"
        : "fully conformant";

    /// <summary>Judges every ledger requirement from the scenario results.</summary>
    public static RunVerdict Judge(RequirementLedger ledger, IReadOnlyList<ScenarioResult> results, ISet<string>? selected = null)
    {
        var verdicts = new List<RequirementVerdict>();
        foreach (var requirement in ledger.Requirements)
        {
            var tests = results.Where(r => r.Requirements.Contains(requirement.Id)).ToList();
            var findings = results.SelectMany(r => r.Findings.Select(f => (r.Name, f))).Where(x => x.f.Requirement == requirement.Id).ToList();
            var problems = tests.Where(t => t.Outcome is "failed" or "error").Select(t => $"{t.Name}: {FirstLine(t.Message)}")
                .Concat(findings.Select(x => $"{x.Name}: {x.f.Message}"))
                .Distinct()
                .ToList();
            string verdict;
            if (selected is not null && !selected.Contains(requirement.Id))
            {
                verdict = "not-run";
            }
            else if (problems.Count > 0)
            {
                verdict = requirement.Level == "MUST" ? "fail" : "warn";
            }
            else if (tests.Any(t => t.Outcome == "passed"))
            {
                verdict = "pass";
            }
            else if (tests.Count > 0 && tests.All(t => t.Outcome == "not-applicable"))
            {
                verdict = "not-applicable";
            }
            else if (tests.Any(t => t.Outcome == "inconclusive"))
            {
                verdict = "inconclusive";
            }
            else
            {
                verdict = "not-run";
            }
            var readings = results.SelectMany(r => r.Readings).Where(x => x.Key == requirement.Id).Select(x => x.Value).Distinct().ToList();
            verdicts.Add(new RequirementVerdict(requirement.Id, requirement.Level, requirement.Area, requirement.Statement, verdict,
                tests.Select(t => $"{t.Name}: {t.Outcome}").ToList(), problems, readings));
        }
        return new RunVerdict(verdicts);
    }

    /// <summary>Reads the results a scenario run wrote.</summary>
    public static IReadOnlyList<ScenarioResult> ReadResults(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("results").Deserialize<List<ScenarioResult>>(ScenarioResults.Json) ?? [];
    }

    private static string FirstLine(string? message) => (message ?? "").Split('\n')[0].Trim();
}
