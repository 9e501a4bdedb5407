using System.Text.Json.Serialization;

namespace MpsdConformance.Results;

/// <summary>How one scenario ended.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Outcome>))]
public enum Outcome
{
    /// <summary>Every expectation held.</summary>
    [JsonStringEnumMemberName("passed")]
    Passed,

    /// <summary>An expectation about the target failed.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>The scenario ended on an exception (the target stopped answering, or a bug of the suite).</summary>
    [JsonStringEnumMemberName("error")]
    Error,

    /// <summary>The profile lacks what the scenario needs (a template role, the server principal); never a pass.</summary>
    [JsonStringEnumMemberName("not-applicable")]
    NotApplicable,

    /// <summary>Skipped for another reason (ignored by the suite itself).</summary>
    [JsonStringEnumMemberName("skipped")]
    Skipped,

    /// <summary>The target's setup did not let the scenario decide.</summary>
    [JsonStringEnumMemberName("inconclusive")]
    Inconclusive,

    /// <summary>The scenario did not run.</summary>
    [JsonStringEnumMemberName("not-run")]
    NotRun,
}

/// <summary>One requirement's verdict for a run (ARCHITECTURE.md's verdict model).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Verdict>))]
public enum Verdict
{
    /// <summary>A scenario checked it and nothing broke it.</summary>
    [JsonStringEnumMemberName("pass")]
    Pass,

    /// <summary>A MUST broken: a scenario naming it failed, or a response broke the rule it enforces.</summary>
    [JsonStringEnumMemberName("fail")]
    Fail,

    /// <summary>A SHOULD or MAY broken.</summary>
    [JsonStringEnumMemberName("warn")]
    Warn,

    /// <summary>The profile lacks what every scenario of it needs; never counted as a pass.</summary>
    [JsonStringEnumMemberName("not-applicable")]
    NotApplicable,

    /// <summary>The target's setup did not let any scenario decide.</summary>
    [JsonStringEnumMemberName("inconclusive")]
    Inconclusive,

    /// <summary>Filtered out, or no scenario can check it (the ledger says why).</summary>
    [JsonStringEnumMemberName("not-run")]
    NotRun,
}

/// <summary>The run's level: fully conformant with no fail and no warn, MUST-conformant with warns only.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ConformanceLevel>))]
public enum ConformanceLevel
{
    /// <summary>No requirement failed or warned.</summary>
    [JsonStringEnumMemberName("fully conformant")]
    FullyConformant,

    /// <summary>No MUST failed; some SHOULD or MAY warned.</summary>
    [JsonStringEnumMemberName("MUST-conformant")]
    MustConformant,

    /// <summary>A MUST failed.</summary>
    [JsonStringEnumMemberName("non-conformant")]
    NonConformant,
}

/// <summary>The words the reports and files use for outcomes, verdicts and levels: the JSON names, one place.</summary>
public static class Words
{
    /// <summary>"passed", "not-applicable" ...</summary>
    public static string Of(Outcome outcome) => outcome switch
    {
        Outcome.Passed => "passed",
        Outcome.Failed => "failed",
        Outcome.Error => "error",
        Outcome.NotApplicable => "not-applicable",
        Outcome.Skipped => "skipped",
        Outcome.Inconclusive => "inconclusive",
        _ => "not-run",
    };

    /// <summary>"pass", "not-applicable" ...</summary>
    public static string Of(Verdict verdict) => verdict switch
    {
        Verdict.Pass => "pass",
        Verdict.Fail => "fail",
        Verdict.Warn => "warn",
        Verdict.NotApplicable => "not-applicable",
        Verdict.Inconclusive => "inconclusive",
        _ => "not-run",
    };

    /// <summary>"fully conformant", "MUST-conformant" or "non-conformant".</summary>
    public static string Of(ConformanceLevel level) => level switch
    {
        ConformanceLevel.FullyConformant => "fully conformant",
        ConformanceLevel.MustConformant => "MUST-conformant",
        _ => "non-conformant",
    };

    /// <summary>True for the outcomes that count against the target.</summary>
    public static bool IsFailure(this Outcome outcome) => outcome is Outcome.Failed or Outcome.Error;

    /// <summary>True for the verdicts that say a requirement broke.</summary>
    public static bool IsBroken(this Verdict verdict) => verdict is Verdict.Fail or Verdict.Warn;
}
