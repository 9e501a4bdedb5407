using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MpsdConformance.Harness;

/// <summary>What one scenario test did and how it ended: the raw material of verdicts and reports.</summary>
public sealed record ScenarioResult(
    string Name,
    string FullName,
    IReadOnlyList<string> Requirements,
    string Outcome,
    string? Message,
    double DurationMs,
    IReadOnlyList<Exchange> Exchanges,
    IReadOnlyList<ContractFinding> Findings,
    IReadOnlyList<KeyValuePair<string, string>> Readings,
    IReadOnlyList<string> CleanupProblems);

/// <summary>The run's results, collected from every test and written once at the end.</summary>
public static class ScenarioResults
{
    /// <summary>File name inside the results directory.</summary>
    public const string FileName = "scenario-results.json";

    private static readonly ConcurrentQueue<ScenarioResult> All = new();

    /// <summary>JSON options shared by the writer and readers.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Adds one test's result.</summary>
    public static void Add(ScenarioResult result) => All.Enqueue(result);

    /// <summary>Writes every result collected so far, with the target description (no secrets).</summary>
    public static string Write(string directory, TargetProfile profile, Redactor redactor, DateTimeOffset started)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        var document = new
        {
            target = new { baseUrl = redactor.Redact(profile.BaseUrl.ToString()), scid = profile.Scid, contractVersion = profile.ContractVersion, source = profile.Source, templates = profile.Templates, users = profile.Users.Select(u => u.Name), server = profile.Server is not null },
            started,
            finished = DateTimeOffset.UtcNow,
            results = All.OrderBy(r => r.FullName, StringComparer.Ordinal),
        };
        File.WriteAllText(path, redactor.Redact(JsonSerializer.Serialize(document, Json)));
        return path;
    }
}
