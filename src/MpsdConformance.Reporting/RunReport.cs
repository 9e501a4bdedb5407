using System.Security.Cryptography;
using MpsdConformance.Contract;

namespace MpsdConformance.Reporting;

/// <summary>The target as reports show it: no secrets.</summary>
public sealed record TargetInfo(string BaseUrl, string Scid, int ContractVersion, string Source)
{
    /// <summary>The report's view of the results' target description.</summary>
    public static TargetInfo Of(TargetDescription target) => new(target.BaseUrl, target.Scid, target.ContractVersion, target.Source);
}

/// <summary>Everything a report is made from.</summary>
public sealed record RunReport(
    string RunId,
    string ToolVersion,
    string Commit,
    string LedgerSha256,
    TargetInfo Target,
    DateTimeOffset Started,
    DateTimeOffset Finished,
    string Command,
    RequirementLedger Ledger,
    RunVerdict Verdict,
    IReadOnlyList<ScenarioResult> Results)
{
    /// <summary>SHA-256 of the ledger file, hex.</summary>
    public static string HashOf(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant();

    /// <summary>
    /// The kill matrix of the build that made the report (kill-matrix.json shipped with its schemas): how the suite
    /// itself is proven; null when the build ships none.
    /// </summary>
    public KillMatrix? Proof { get; init; }

    /// <summary>Why the run ended before every scenario did, or null for a complete run.</summary>
    public string? StopReason { get; init; }

    /// <summary>The scenario results that name a requirement.</summary>
    public IEnumerable<ScenarioResult> ResultsFor(string id) => Results.Where(r => r.Requirements.Contains(id));
}
