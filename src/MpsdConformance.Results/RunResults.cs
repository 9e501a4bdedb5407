using System.Text.Json;
using System.Text.Json.Serialization;

namespace MpsdConformance.Results;

/// <summary>A problem with a response that a schema or an invariant finds, tied to a ledger ID.</summary>
/// <param name="Requirement">The ledger ID the broken rule enforces.</param>
/// <param name="Message">What is wrong, in words.</param>
/// <param name="Url">The (redacted) URL of the exchange it was found in.</param>
public sealed record ContractFinding(string Requirement, string Message, string Url);

/// <summary>A documented reading of an ambiguous point that the target chose, as one scenario observed it.</summary>
/// <param name="Requirement">The ledger ID whose ambiguity this is.</param>
/// <param name="Value">The reading's value as the ledger names it (e.g. "204").</param>
public sealed record ObservedReading(string Requirement, string Value);

/// <summary>What one scenario did and how it ended: the raw material of verdicts and reports.</summary>
/// <param name="Name">The test's name.</param>
/// <param name="FullName">Namespace, class and name: unique in a run.</param>
/// <param name="Requirements">The ledger IDs the scenario checks.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Message">The failure or skip message (redacted), or null.</param>
/// <param name="DurationMs">Wall time of the scenario, set-up and cleanup included.</param>
/// <param name="Exchanges">Every HTTP exchange it made, redacted.</param>
/// <param name="Findings">Schema and invariant problems of the responses it read.</param>
/// <param name="Readings">Readings of ambiguous points it observed.</param>
/// <param name="CleanupProblems">Sessions it could not leave afterwards.</param>
public sealed record ScenarioResult(
    string Name,
    string FullName,
    IReadOnlyList<string> Requirements,
    Outcome Outcome,
    string? Message,
    double DurationMs,
    IReadOnlyList<Exchange> Exchanges,
    IReadOnlyList<ContractFinding> Findings,
    IReadOnlyList<ObservedReading> Readings,
    IReadOnlyList<string> CleanupProblems);

/// <summary>The target as results and reports describe it: never a secret.</summary>
/// <param name="BaseUrl">The base URL (redacted).</param>
/// <param name="Scid">The service configuration id.</param>
/// <param name="ContractVersion">The X-Xbl-Contract-Version sent.</param>
/// <param name="Source">The profile's path, or "embedded reference server".</param>
/// <param name="Templates">Template roles to template names.</param>
/// <param name="Users">The users' names (not their headers).</param>
/// <param name="Server">Whether the profile names a server principal.</param>
public sealed record TargetDescription(
    string BaseUrl,
    string Scid,
    int ContractVersion,
    string Source,
    IReadOnlyDictionary<string, string> Templates,
    IReadOnlyList<string> Users,
    bool Server);

/// <summary>
/// <c>scenario-results.json</c>: one run's scenarios with their outcomes, exchanges, findings and readings.
/// Written and read by these types only; its schema is <c>schemas/scenario-results.schema.json</c>.
/// </summary>
/// <param name="SchemaVersion">The file format's version.</param>
/// <param name="Target">The target certified.</param>
/// <param name="Started">When the run began.</param>
/// <param name="Finished">When the last scenario ended.</param>
/// <param name="Results">Every scenario, ordered by full name.</param>
public sealed record RunResults(
    int SchemaVersion,
    TargetDescription Target,
    DateTimeOffset Started,
    DateTimeOffset Finished,
    IReadOnlyList<ScenarioResult> Results)
{
    /// <summary>
    /// Why the run ended before every scenario did (the target stopped answering, the deadline passed, it was
    /// interrupted), or null for a complete run (then left out of the file).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? StopReason { get; init; }

    /// <summary>Whether every scenario ran to its end (no <see cref="StopReason"/>).</summary>
    [JsonIgnore]
    public bool Complete => StopReason is null;

    /// <summary>The file name inside a run's folder.</summary>
    public const string FileName = "scenario-results.json";

    /// <summary>The format version this build writes and reads.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>
    /// The JSON options of the results file: camelCase, indented, every property written (null included) and
    /// every property required on reading, so a file either is this contract or is refused.
    /// </summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Converters = { ReportText.WellFormedStrings },
    };

    /// <summary>A run of these results, ordered by full name so files compare across runs.</summary>
    public static RunResults Of(TargetDescription target, DateTimeOffset started, DateTimeOffset finished, IEnumerable<ScenarioResult> results) =>
        new(CurrentSchemaVersion, target, started, finished, results.OrderBy(r => r.FullName, StringComparer.Ordinal).ToList());

    /// <summary>The document as JSON text.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Writes <see cref="FileName"/> into <paramref name="directory"/>; returns its path.</summary>
    public string Write(string directory) => WriteFile(directory, FileName, ToJson());

    /// <summary>Writes <paramref name="text"/> as <paramref name="fileName"/> into <paramref name="directory"/>, made if needed; returns its path.</summary>
    internal static string WriteFile(string directory, string fileName, string text)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, fileName);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Reads a results file; a file of another format is an error that says so.</summary>
    public static RunResults Read(string path)
    {
        var text = File.ReadAllText(path);
        try
        {
            using (var document = JsonDocument.Parse(text))
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object
                    || !document.RootElement.TryGetProperty("schemaVersion", out var version)
                    || version.ValueKind != JsonValueKind.Number
                    || version.GetInt32() != CurrentSchemaVersion)
                {
                    throw new InvalidDataException($"{path}: not a scenario-results file of schemaVersion {CurrentSchemaVersion}");
                }
            }
            return JsonSerializer.Deserialize<RunResults>(text, Json) ?? throw new InvalidDataException($"{path}: not a scenario-results file (null)");
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new InvalidDataException($"{path}: not a scenario-results file ({e.Message})", e);
        }
    }
}
