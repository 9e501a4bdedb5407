using MpsdConformance.Contract;

namespace MpsdConformance.Results;

/// <summary>One requirement's verdict for a run.</summary>
/// <param name="Id">The ledger ID.</param>
/// <param name="Level">MUST, SHOULD or MAY.</param>
/// <param name="Area">The ledger area.</param>
/// <param name="Statement">The one-line statement.</param>
/// <param name="Verdict">The verdict.</param>
/// <param name="Tests">The scenarios behind it, "name: outcome".</param>
/// <param name="Problems">Why it failed or warned: failing scenarios and findings.</param>
/// <param name="Readings">The readings the target chose, where the ledger lists several.</param>
public sealed record RequirementVerdict(
    string Id,
    string Level,
    string Area,
    string Statement,
    Verdict Verdict,
    IReadOnlyList<string> Tests,
    IReadOnlyList<string> Problems,
    IReadOnlyList<string> Readings);

/// <summary>The run's verdicts and level: the one place requirements are judged from scenario outcomes and findings.</summary>
/// <param name="Requirements">Every ledger requirement, in ledger order.</param>
public sealed record RunVerdict(IReadOnlyList<RequirementVerdict> Requirements)
{
    /// <summary>How many requirements got each verdict (every verdict present, zero included).</summary>
    public IReadOnlyDictionary<Verdict, int> Counts =>
        Enum.GetValues<Verdict>().ToDictionary(v => v, v => Requirements.Count(r => r.Verdict == v));

    /// <summary>Non-conformant when a MUST failed; MUST-conformant when only SHOULDs or MAYs warned.</summary>
    public ConformanceLevel Level =>
        Requirements.Any(r => r.Verdict == Verdict.Fail) ? ConformanceLevel.NonConformant
        : Requirements.Any(r => r.Verdict == Verdict.Warn) ? ConformanceLevel.MustConformant
        : ConformanceLevel.FullyConformant;

    /// <summary>
    /// Judges every ledger requirement: not-run when filtered out; fail (MUST) or warn when a scenario naming
    /// it failed or a finding names it; pass when a scenario passed; not-applicable when every scenario was;
    /// inconclusive when one was; else not-run.
    /// </summary>
    public static RunVerdict Judge(RequirementLedger ledger, IReadOnlyList<ScenarioResult> results, ISet<string>? selected = null)
    {
        var verdicts = new List<RequirementVerdict>();
        foreach (var requirement in ledger.Requirements)
        {
            var tests = results.Where(r => r.Requirements.Contains(requirement.Id)).ToList();
            var findings = results.SelectMany(r => r.Findings.Select(f => (r.Name, Finding: f))).Where(x => x.Finding.Requirement == requirement.Id);
            var problems = tests.Where(t => t.Outcome.IsFailure()).Select(t => $"{t.Name}: {FirstLine(t.Message)}")
                .Concat(findings.Select(x => $"{x.Name}: {x.Finding.Message}"))
                .Distinct()
                .ToList();
            var verdict =
                selected is not null && !selected.Contains(requirement.Id) ? Verdict.NotRun
                : problems.Count > 0 ? (requirement.Level == "MUST" ? Verdict.Fail : Verdict.Warn)
                : tests.Any(t => t.Outcome == Outcome.Passed) ? Verdict.Pass
                : tests.Count > 0 && tests.All(t => t.Outcome == Outcome.NotApplicable) ? Verdict.NotApplicable
                : tests.Any(t => t.Outcome == Outcome.Inconclusive) ? Verdict.Inconclusive
                : Verdict.NotRun;
            var readings = results.SelectMany(r => r.Readings).Where(x => x.Requirement == requirement.Id).Select(x => x.Value).Distinct().ToList();
            verdicts.Add(new RequirementVerdict(requirement.Id, requirement.Level, requirement.Area, requirement.Statement, verdict,
                tests.Select(t => $"{t.Name}: {Words.Of(t.Outcome)}").ToList(), problems, readings));
        }
        return new RunVerdict(verdicts);
    }

    private static string FirstLine(string? message) => (message ?? "").Split('\n')[0].Trim();
}
