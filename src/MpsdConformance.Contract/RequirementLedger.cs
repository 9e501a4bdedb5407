using System.Text.Json;
using System.Text.Json.Serialization;

namespace MpsdConformance.Contract;

/// <summary>One source of a requirement: a doc (by citation key), its section or lines, and the digest item.</summary>
public sealed record RequirementSource(string Doc, string? Section, string? Lines, string? Quote, string? Digest);

/// <summary>
/// Invalid bodies a target taking a reading accepts instead of refusing: where (JSON Pointer globs into a PUT
/// session or /properties body, <c>*</c> for one segment), which offending values (<c>null</c>,
/// <c>non-string</c>, <c>unknown-key</c>) and what the stored session then shows (<c>removed</c>,
/// <c>dropped</c>, <c>stored</c>).
/// </summary>
public sealed record ReadingAccepts(IReadOnlyList<string> Paths, string Values, string Effect);

/// <summary>The shape of a successful answer of an endpoint under a reading: <c>session</c>, <c>property-bag</c> or <c>none</c>.</summary>
public sealed record ReadingAnswer(string Endpoint, string Shape);

/// <summary>One reading of an ambiguous point that a conformant target may choose.</summary>
/// <param name="Id">The reading's ID within its requirement.</param>
/// <param name="Description">What a target taking it does.</param>
/// <param name="Reference">True for the reading the reference server implements.</param>
/// <param name="Accepts">Invalid bodies this reading accepts, or null.</param>
/// <param name="UnknownKeys">Body locations whose key this reading does not recognise, or null.</param>
/// <param name="Answer">The answer shape this reading gives an endpoint, or null.</param>
public sealed record AmbiguityReading(string Id, string Description, bool Reference = false, ReadingAccepts? Accepts = null,
    IReadOnlyList<string>? UnknownKeys = null, ReadingAnswer? Answer = null);

/// <summary>Where the docs are silent or contradict themselves, and every reading allowed.</summary>
public sealed record Ambiguity(string Kind, IReadOnlyList<string>? Digest, string Summary, IReadOnlyList<AmbiguityReading> Readings);

/// <summary>How a requirement is covered: pending, covered (by tests), or not-testable (with a reason).</summary>
public sealed record Coverage(string State, IReadOnlyList<string>? Tests, string? Reason);

/// <summary>Whether the reference server implements a requirement, and why not when it does not.</summary>
public sealed record ReferenceStatus(string Status, string? Note);

/// <summary>A numbered, testable requirement of the MPSD session contract.</summary>
public sealed record Requirement(
    string Id,
    string Level,
    string Area,
    string Statement,
    IReadOnlyList<string> Endpoints,
    IReadOnlyList<RequirementSource> Sources,
    Coverage Coverage,
    Ambiguity? Ambiguity,
    string? Xsapi,
    ReferenceStatus? Reference = null);

/// <summary>An error in the docs, recorded with what MpsdConformance does about it.</summary>
public sealed record Erratum(string Id, string Digest, string Doc, string? Lines, string Summary, string? Impact, IReadOnlyList<string>? Fixtures);

/// <summary>A cited document.</summary>
public sealed record CitedDocument(string Title, string Location);

/// <summary>The requirement ledger (<c>schemas/requirements.json</c>), read once.</summary>
public sealed class RequirementLedger
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    private readonly Dictionary<string, Requirement> _byId;

    private RequirementLedger(LedgerFile file)
    {
        Requirements = file.Requirements;
        Errata = file.Errata;
        Documents = file.Documents;
        _byId = new Dictionary<string, Requirement>(StringComparer.Ordinal);
        foreach (var requirement in file.Requirements)
        {
            _byId.TryAdd(requirement.Id, requirement);
        }
    }

    /// <summary>Every requirement, in ledger order.</summary>
    public IReadOnlyList<Requirement> Requirements { get; }

    /// <summary>Every recorded doc erratum.</summary>
    public IReadOnlyList<Erratum> Errata { get; }

    /// <summary>Citation keys and where they point.</summary>
    public IReadOnlyDictionary<string, CitedDocument> Documents { get; }

    /// <summary>The ledger shipped beside the assembly, loaded once.</summary>
    public static RequirementLedger Shared() => SharedLedger.Value;

    private static readonly Lazy<RequirementLedger> SharedLedger = new(() => Load());

    /// <summary>
    /// The shapes a successful answer of <paramref name="endpoint"/> (e.g. <c>PUT properties</c>) may have under the
    /// ledger's readings: <c>session</c>, <c>property-bag</c>, <c>none</c>; just <c>session</c> where no reading says.
    /// </summary>
    public IReadOnlySet<string> AnswerShapes(string endpoint)
    {
        var shapes = Requirements.Where(r => r.Ambiguity is not null).SelectMany(r => r.Ambiguity!.Readings)
            .Where(r => r.Answer is not null && string.Equals(r.Answer.Endpoint, endpoint, StringComparison.OrdinalIgnoreCase))
            .Select(r => r.Answer!.Shape)
            .ToHashSet(StringComparer.Ordinal);
        return shapes.Count > 0 ? shapes : new HashSet<string>(["session"], StringComparer.Ordinal);
    }

    /// <summary>The requirement with this ID, or null.</summary>
    public Requirement? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>Loads the ledger from a schemas folder (default: the shipped copy).</summary>
    public static RequirementLedger Load(string? schemasDirectory = null)
    {
        var path = Path.Combine(schemasDirectory ?? ContractFiles.DefaultSchemasDirectory(), ContractFiles.LedgerFileName);
        try
        {
            var file = JsonSerializer.Deserialize<LedgerFile>(File.ReadAllText(path), Options)
                       ?? throw new ContractLoadException($"{ContractFiles.LedgerFileName} is empty");
            return new RequirementLedger(file);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            throw new ContractLoadException($"{ContractFiles.LedgerFileName} cannot be loaded: {e.Message}", e);
        }
    }

    private sealed record LedgerFile(
        int LedgerVersion,
        Dictionary<string, CitedDocument> Documents,
        List<Requirement> Requirements,
        List<Erratum> Errata);
}
