using System.Collections.Concurrent;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;

namespace MpsdConformance.Contract;

/// <summary>Validates payloads against the contract's schemas. One seam, so the engine can be swapped.</summary>
public interface IPayloadValidator
{
    /// <summary>Checks JSON text against the schema of <paramref name="kind"/>.</summary>
    ValidationReport Validate(SchemaKind kind, string json, bool listUndocumented = false);
}

/// <summary>
/// The contract's validator: loads the schemas once, then validates any number of payloads from any
/// number of threads. Built on NJsonSchema 10.7.2, whose keyword support the schemas are limited to
/// (the self-tests prove it).
/// </summary>
public sealed class ContractValidator : IPayloadValidator
{
    private readonly IReadOnlyDictionary<SchemaKind, SchemaIndex> _schemas;
    private static readonly ConcurrentDictionary<string, ContractValidator> Cache = new(StringComparer.Ordinal);

    private ContractValidator(IReadOnlyDictionary<SchemaKind, SchemaIndex> schemas, string directory)
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
        var schemas = new Dictionary<SchemaKind, SchemaIndex>();
        foreach (var kind in SchemaKinds.All)
        {
            var path = Path.Combine(directory, kind.FileName());
            if (!File.Exists(path))
            {
                throw new ContractLoadException($"schema file missing: {kind.FileName()} in {directory}");
            }
            JsonSchema schema;
            try
            {
                schema = JsonSchema.FromJsonAsync(File.ReadAllText(path), path).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is Newtonsoft.Json.JsonException or InvalidOperationException or NotSupportedException)
            {
                throw new ContractLoadException($"schema file {kind.FileName()} cannot be loaded: {e.Message}", e);
            }
            // NJsonSchema resolves some things lazily; one validation up front leaves the schema read-only.
            schema.Validate("{}");
            schemas[kind] = new SchemaIndex(kind.FileName(), schema);
        }
        return new ContractValidator(schemas, directory);
    }

    /// <summary>One shared validator per schemas folder.</summary>
    public static ContractValidator Shared(string? schemasDirectory = null) =>
        Cache.GetOrAdd(Path.GetFullPath(schemasDirectory ?? ContractFiles.DefaultSchemasDirectory()), dir => Load(dir));

    /// <summary>Every ledger ID any schema description names, per schema file.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> RequirementIdsBySchema =>
        _schemas.Values.ToDictionary(s => s.FileName, s => (IReadOnlyList<string>)s.AllRequirementIds.ToList());

    /// <inheritdoc />
    public ValidationReport Validate(SchemaKind kind, string json, bool listUndocumented = false)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (!TryParse(json, out var token, out var problem))
        {
            return new ValidationReport(kind, problem, [], []);
        }
        var index = _schemas[kind];
        var violations = new List<SchemaViolation>();
        ICollection<ValidationError> errors;
        try
        {
            errors = index.Root.Validate(token);
        }
        catch (Exception e) when (e is InvalidCastException or OverflowException or FormatException or ArgumentException)
        {
            // The engine cannot compare some values (numbers beyond its range); say so instead of crashing.
            return new ValidationReport(kind, $"cannot be checked: a value is outside what the validator handles ({e.GetType().Name})", [], []);
        }
        foreach (var error in errors)
        {
            Collect(error, token!, index, violations);
        }
        var distinct = violations.DistinctBy(v => (v.Pointer, v.Kind, v.SchemaLocation)).ToList();
        var undocumented = listUndocumented ? UndocumentedFields.Find(index, token!) : [];
        return new ValidationReport(kind, null, distinct, undocumented);
    }

    /// <summary>Reads and validates a file; unreadable or non-JSON files come back with a Problem.</summary>
    public ValidationReport ValidateFile(SchemaKind kind, string path, bool listUndocumented = false) =>
        PayloadText.TryRead(path, out var text, out var problem)
            ? Validate(kind, text, listUndocumented)
            : new ValidationReport(kind, problem, [], []);

    /// <summary>Strict JSON (RFC 8259: no comments, no trailing commas, no duplicate keys) into a token.</summary>
    public static bool TryParse(string json, out JToken? token, out string? problem) => StrictJson.TryParse(json, out token, out problem);

    private static bool Matches(JsonObjectType type, JToken? value) => value?.Type switch
    {
        JTokenType.Object => type == JsonObjectType.Object,
        JTokenType.Array => type == JsonObjectType.Array,
        JTokenType.Integer => type is JsonObjectType.Integer or JsonObjectType.Number,
        JTokenType.Float => type == JsonObjectType.Number,
        JTokenType.String => type == JsonObjectType.String,
        JTokenType.Boolean => type == JsonObjectType.Boolean,
        JTokenType.Null => type == JsonObjectType.Null,
        _ => false,
    };

    private static void Collect(ValidationError error, JToken root, SchemaIndex index, List<SchemaViolation> into)
    {
        if (error.Kind == ValidationErrorKind.NoTypeValidates && error is MultiTypeValidationError multi)
        {
            // A union type (e.g. integer or null): the branch of the value's own type says what is wrong.
            var actual = JsonPointers.Resolve(root, JsonPointers.FromValidatorPath(error.Path, root));
            var own = multi.Errors.FirstOrDefault(kv => Matches(kv.Key, actual)).Value;
            if (own is { Count: > 0 })
            {
                foreach (var inner in own)
                {
                    Collect(inner, root, index, into);
                }
                return;
            }
        }
        if (error is ChildSchemaValidationError child && child.Errors.Count > 0)
        {
            var branches = child.Errors.Values.Where(list => list.Count > 0).ToList();
            if (error.Kind is ValidationErrorKind.NotAnyOf or ValidationErrorKind.NotOneOf or ValidationErrorKind.NoTypeValidates)
            {
                if (error.Kind != ValidationErrorKind.NoTypeValidates && branches.Count > 0)
                {
                    // Report the first failing branch: schemas order branches with the usual case first.
                    foreach (var inner in branches[0])
                    {
                        Collect(inner, root, index, into);
                    }
                    return;
                }
            }
            else
            {
                foreach (var inner in branches.SelectMany(list => list))
                {
                    Collect(inner, root, index, into);
                }
                return;
            }
        }
        var pointer = JsonPointers.FromValidatorPath(error.Path, root);
        var value = JsonPointers.Resolve(root, pointer);
        if (error.Kind == ValidationErrorKind.PropertyRequired && JsonPointers.Resolve(root, JsonPointers.Parent(pointer)) is not JObject)
        {
            return; // "required" applies to objects only; the type error beside it says what is wrong.
        }
        into.Add(new SchemaViolation(
            pointer,
            index.Location(error.Kind == ValidationErrorKind.ExcludedSchemaValidates && error.Schema?.Not is { } not ? not : error.Schema),
            index.Requirements(error.Schema),
            error.Kind.ToString(),
            Messages.Describe(error, value)));
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
