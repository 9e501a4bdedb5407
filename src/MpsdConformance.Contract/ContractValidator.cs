using System.Collections.Concurrent;

namespace MpsdConformance.Contract;

/// <summary>Validates payloads against the contract's schemas. One seam, so the engine can be swapped.</summary>
public interface IPayloadValidator
{
    /// <summary>Checks JSON text against the schema of <paramref name="kind"/>.</summary>
    ValidationReport Validate(SchemaKind kind, string json, bool listUndocumented = false);
}

/// <summary>
/// The contract's validator: loads the schemas once, then validates any number of payloads from any
/// number of threads. Built on JsonSchema.Net 8 (draft 2020-12 and draft-07); every keyword the schemas use is
/// proven enforced by the self-tests.
/// </summary>
public sealed class ContractValidator : IPayloadValidator
{
    private readonly IReadOnlyDictionary<SchemaKind, SchemaFile> _schemas;
    private static readonly ConcurrentDictionary<string, ContractValidator> Cache = new(StringComparer.Ordinal);

    private ContractValidator(IReadOnlyDictionary<SchemaKind, SchemaFile> schemas, string directory)
    {
        _schemas = schemas;
        Directory = directory;
    }

    /// <summary>The folder the schemas were loaded from.</summary>
    public string Directory { get; }

    /// <summary>Loads the three schemas from <paramref name="schemasDirectory"/> (default: the shipped copy).</summary>
    public static ContractValidator Load(string? schemasDirectory = null)
    {
        var directory = Path.GetFullPath(schemasDirectory ?? ContractFiles.DefaultSchemasDirectory());
        var schemas = new Dictionary<SchemaKind, SchemaFile>();
        foreach (var kind in SchemaKinds.All)
        {
            schemas[kind] = SchemaFile.Load(Path.Combine(directory, kind.FileName()));
        }
        return new ContractValidator(schemas, directory);
    }

    /// <summary>One shared validator per schemas folder.</summary>
    public static ContractValidator Shared(string? schemasDirectory = null) =>
        Cache.GetOrAdd(Path.GetFullPath(schemasDirectory ?? ContractFiles.DefaultSchemasDirectory()), dir => Load(dir));

    /// <summary>Every ledger ID any schema description names, per schema file.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> RequirementIdsBySchema =>
        _schemas.Values.ToDictionary(s => s.FileName, s => s.RequirementIds);

    /// <inheritdoc />
    public ValidationReport Validate(SchemaKind kind, string json, bool listUndocumented = false)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (!StrictJson.TryParse(json, out var payload, out var problem))
        {
            return new ValidationReport(kind, problem, [], []);
        }
        using (payload)
        {
            var schema = _schemas[kind];
            var root = payload!.Root;
            IReadOnlyList<SchemaViolation> violations;
            try
            {
                violations = schema.Violations(root);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The engine cannot judge the value (a case it does not handle): say so instead of crashing.
                return new ValidationReport(kind, $"cannot be checked: the validator failed on this payload ({e.GetType().Name}: {e.Message})", [], []);
            }
            var undocumented = listUndocumented ? UndocumentedFields.Find(schema.Index, root) : [];
            return new ValidationReport(kind, null, violations, undocumented);
        }
    }

    /// <summary>Reads and validates a file; unreadable or non-JSON files come back with a Problem.</summary>
    public ValidationReport ValidateFile(SchemaKind kind, string path, bool listUndocumented = false) =>
        PayloadText.TryRead(path, out var text, out var problem)
            ? Validate(kind, text, listUndocumented)
            : new ValidationReport(kind, problem, [], []);

    /// <summary>
    /// Strict JSON (RFC 8259: no comments, no trailing commas, no duplicate keys, no lone surrogate escapes, one
    /// value): null when <paramref name="json"/> is such JSON, else why it is not.
    /// </summary>
    public static string? JsonProblem(string json)
    {
        if (!StrictJson.TryParse(json, out var payload, out var problem))
        {
            return problem;
        }
        payload!.Dispose();
        return null;
    }
}

/// <summary>A schema folder that cannot be used: a missing or broken file.</summary>
public sealed class ContractLoadException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ContractLoadException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
