using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MpsdConformance.Results;

/// <summary>How one mutant ended.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MutantOutcome>))]
public enum MutantOutcome
{
    /// <summary>The broken requirement failed (MUST) or warned (SHOULD) through a scenario that names it.</summary>
    [JsonStringEnumMemberName("killed")]
    Killed,

    /// <summary>The suite did not notice: the broken requirement did not fail through its own scenarios.</summary>
    [JsonStringEnumMemberName("survived")]
    Survived,

    /// <summary>The mutant could not be certified (the server or the run failed).</summary>
    [JsonStringEnumMemberName("error")]
    Error,
}

/// <summary>A requirement other than the mutant's own that broke under it.</summary>
/// <param name="Requirement">The ledger ID.</param>
/// <param name="Level">MUST, SHOULD or MAY.</param>
/// <param name="Verdict">fail or warn.</param>
/// <param name="Scenarios">The failing scenarios that name it (short names).</param>
/// <param name="FindingScenarios">How many scenarios met a response that breaks it.</param>
public sealed record CollateralBreak(string Requirement, string Level, Verdict Verdict, IReadOnlyList<string> Scenarios, int FindingScenarios);

/// <summary>One mutant of the matrix and what the suite made of it.</summary>
/// <param name="Name">The mutant's name (<c>mpsd serve --fault NAME</c>).</param>
/// <param name="Requirement">The ledger ID it breaks.</param>
/// <param name="Level">That requirement's level.</param>
/// <param name="Description">What the mutant does.</param>
/// <param name="Outcome">Killed, survived or error.</param>
/// <param name="KilledBy">The scenarios naming the requirement that failed, or met a finding of it (short names).</param>
/// <param name="Collateral">Other requirements that broke.</param>
/// <param name="Seconds">Wall time of the certification.</param>
/// <param name="Error">Why the run failed, for <see cref="MutantOutcome.Error"/>.</param>
public sealed record MutantResult(
    string Name,
    string Requirement,
    string Level,
    string Description,
    MutantOutcome Outcome,
    IReadOnlyList<string> KilledBy,
    IReadOnlyList<CollateralBreak> Collateral,
    double Seconds,
    string? Error)
{
    /// <summary>True when a MUST other than the mutant's own failed.</summary>
    [JsonIgnore]
    public bool HasCollateralMust => Collateral.Any(c => c.Level == "MUST" && c.Verdict == Verdict.Fail);

    /// <summary>Killed through its own requirement and nothing else's MUST broken.</summary>
    [JsonIgnore]
    public bool IsClean => Outcome == MutantOutcome.Killed && !HasCollateralMust;

    /// <summary>
    /// Judges one certification of a mutant: killed when <paramref name="requirement"/> failed (MUST) or warned
    /// (SHOULD) through at least one scenario that names it; collateral is every other requirement that broke.
    /// </summary>
    public static MutantResult Judge(string name, string requirement, string description, RunVerdict verdict, IReadOnlyList<ScenarioResult> results, double seconds)
    {
        var own = verdict.Requirements.Single(r => r.Id == requirement);
        var killedBy = results
            .Where(r => r.Requirements.Contains(requirement) && (r.Outcome.IsFailure() || r.Findings.Any(f => f.Requirement == requirement)))
            .Select(r => ShortName(r.FullName))
            .Order(StringComparer.Ordinal)
            .ToList();
        var outcome = own.Verdict.IsBroken() && killedBy.Count > 0 ? MutantOutcome.Killed : MutantOutcome.Survived;
        return new MutantResult(name, requirement, own.Level, description, outcome, killedBy, Broken(verdict, results, except: requirement), seconds, null);
    }

    /// <summary>Every broken requirement of a run except <paramref name="except"/>, with the scenarios behind it.</summary>
    public static IReadOnlyList<CollateralBreak> Broken(RunVerdict verdict, IReadOnlyList<ScenarioResult> results, string? except = null) =>
        verdict.Requirements
            .Where(r => r.Id != except && r.Verdict.IsBroken())
            .Select(r => new CollateralBreak(r.Id, r.Level, r.Verdict,
                results.Where(t => t.Requirements.Contains(r.Id) && t.Outcome.IsFailure()).Select(t => ShortName(t.FullName)).Order(StringComparer.Ordinal).ToList(),
                results.Count(t => t.Findings.Any(f => f.Requirement == r.Id))))
            .ToList();

    /// <summary>A scenario's full name without the suite's namespace: <c>Class.Method(args)</c>.</summary>
    public static string ShortName(string fullName) =>
        fullName.StartsWith(ScenarioNamespace, StringComparison.Ordinal) ? fullName[ScenarioNamespace.Length..] : fullName;

    private const string ScenarioNamespace = "MpsdConformance.Scenarios.";
}

/// <summary>The unmutated reference server's own run: the baseline every mutant is compared with.</summary>
/// <param name="Level">Its conformance level (fully conformant, or the matrix means nothing).</param>
/// <param name="Broken">Requirements that broke without any fault (should be none).</param>
/// <param name="Seconds">Wall time of the certification.</param>
public sealed record ControlRun(ConformanceLevel Level, IReadOnlyList<CollateralBreak> Broken, double Seconds);

/// <summary>A covered MUST or SHOULD requirement without a mutant, and why.</summary>
/// <param name="Requirement">The ledger ID.</param>
/// <param name="Reason">Why.</param>
public sealed record UnmutatedRequirement(string Requirement, string Reason);

/// <summary>
/// <c>kill-matrix.json</c>: the suite proven against mutants of the reference server, each breaking one requirement.
/// Written by <c>mpsd selftest mutants</c>; its schema is <c>schemas/kill-matrix.schema.json</c>.
/// </summary>
/// <param name="SchemaVersion">The file format's version.</param>
/// <param name="ToolVersion">The mpsd-conformance version that ran it.</param>
/// <param name="LedgerSha256">SHA-256 of the ledger it was judged with.</param>
/// <param name="Generated">When it finished.</param>
/// <param name="Seconds">Wall time of the whole matrix.</param>
/// <param name="Lanes">How many certifications ran at a time.</param>
/// <param name="Control">The unmutated reference server's run, or null when it was not part of this matrix.</param>
/// <param name="Mutants">Every mutant, in catalogue order.</param>
/// <param name="Unmutated">Covered MUST and SHOULD requirements without a mutant.</param>
public sealed record KillMatrix(
    int SchemaVersion,
    string ToolVersion,
    string LedgerSha256,
    DateTimeOffset Generated,
    double Seconds,
    int Lanes,
    ControlRun? Control,
    IReadOnlyList<MutantResult> Mutants,
    IReadOnlyList<UnmutatedRequirement> Unmutated)
{
    /// <summary>The file name.</summary>
    public const string FileName = "kill-matrix.json";

    /// <summary>The format version this build writes and reads.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>Mutants killed through their own requirement.</summary>
    public int Killed => Mutants.Count(m => m.Outcome == MutantOutcome.Killed);

    /// <summary>Mutants the suite did not kill (errors included).</summary>
    public int Survived => Mutants.Count - Killed;

    /// <summary>Mutants under which another MUST failed.</summary>
    public int WithCollateralMust => Mutants.Count(m => m.HasCollateralMust);

    /// <summary>Killed over all mutants, 0 to 1.</summary>
    public double KillScore => Mutants.Count == 0 ? 0 : (double)Killed / Mutants.Count;

    /// <summary>True when every mutant was killed cleanly and the control run is fully conformant.</summary>
    [JsonIgnore]
    public bool Proven => Survived == 0 && WithCollateralMust == 0 && Control is null or { Level: ConformanceLevel.FullyConformant };

    /// <summary>The JSON options of the file: camelCase, indented, text readable as written (the file is never embedded in HTML).</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>The document as JSON text.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json) + "\n";

    /// <summary>Writes <see cref="FileName"/> into <paramref name="directory"/>; returns its path.</summary>
    public string Write(string directory) => RunResults.WriteFile(directory, FileName, ToJson());

    /// <summary>Reads a kill matrix; a file of another format is an error that says so.</summary>
    public static KillMatrix Read(string path)
    {
        try
        {
            var matrix = JsonSerializer.Deserialize<KillMatrix>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path}: not a kill matrix (null)");
            return matrix.SchemaVersion == CurrentSchemaVersion ? matrix : throw new InvalidDataException($"{path}: not a kill matrix of schemaVersion {CurrentSchemaVersion}");
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new InvalidDataException($"{path}: not a kill matrix ({e.Message})", e);
        }
    }

    /// <summary>The matrix at <paramref name="path"/>, or null when there is none or it cannot be read.</summary>
    public static KillMatrix? TryRead(string path)
    {
        try
        {
            return File.Exists(path) ? Read(path) : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
