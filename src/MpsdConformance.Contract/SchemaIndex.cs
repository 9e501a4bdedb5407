using System.Text.RegularExpressions;
using NJsonSchema;

namespace MpsdConformance.Contract;

/// <summary>
/// Knows, for every node of one loaded schema, where it sits in the schema file (a JSON Pointer) and
/// which ledger IDs its description names. Built once per schema; read-only afterwards.
/// </summary>
internal sealed partial class SchemaIndex
{
    private readonly Dictionary<JsonSchema, string> _locations = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<JsonSchema, JsonSchema?> _parents = new(ReferenceEqualityComparer.Instance);

    public SchemaIndex(string fileName, JsonSchema root)
    {
        FileName = fileName;
        Root = root;
        Visit(root, "", null);
    }

    public string FileName { get; }

    public JsonSchema Root { get; }

    /// <summary>Every ledger ID named by any description in the schema.</summary>
    public IEnumerable<string> AllRequirementIds =>
        _locations.Keys.SelectMany(s => RequirementIds(s.Description)).Distinct(StringComparer.Ordinal);

    /// <summary><c>file#/pointer</c> of a node; a node reached through $ref is named by its definition.</summary>
    public string Location(JsonSchema? schema)
    {
        if (schema is null)
        {
            return FileName + "#";
        }
        if (_locations.TryGetValue(schema, out var here))
        {
            return FileName + "#" + here;
        }
        return _locations.TryGetValue(schema.ActualSchema, out var actual) ? FileName + "#" + actual : FileName + "#";
    }

    /// <summary>Ledger IDs of the node, else of its nearest ancestor that names any.</summary>
    public IReadOnlyList<string> Requirements(JsonSchema? schema)
    {
        for (var node = schema; node is not null; node = Parent(node))
        {
            var ids = RequirementIds(node.Description).ToList();
            if (ids.Count == 0 && node.HasReference)
            {
                ids = RequirementIds(node.ActualSchema.Description).ToList();
            }
            if (ids.Count > 0)
            {
                return ids;
            }
        }
        return [];
    }

    /// <summary>The description without its leading <c>[ID]</c> tags.</summary>
    public static string Prose(string? description) =>
        description is null ? "" : TagPattern().Replace(description, "").Trim();

    /// <summary>The IDs written as <c>[ID]</c> in a description.</summary>
    public static IEnumerable<string> RequirementIds(string? description)
    {
        if (string.IsNullOrEmpty(description))
        {
            yield break;
        }
        foreach (Match m in TagPattern().Matches(description))
        {
            yield return m.Groups[1].Value;
        }
    }

    private JsonSchema? Parent(JsonSchema node) =>
        _parents.TryGetValue(node, out var p) ? p : _parents.GetValueOrDefault(node.ActualSchema);

    private void Visit(JsonSchema node, string pointer, JsonSchema? parent)
    {
        if (!_locations.TryAdd(node, pointer))
        {
            return;
        }
        _parents[node] = parent;
        foreach (var (name, child) in node.Properties)
        {
            Visit(child, $"{pointer}/properties/{Escape(name)}", node);
        }
        foreach (var (name, child) in node.PatternProperties)
        {
            Visit(child, $"{pointer}/patternProperties/{Escape(name)}", node);
        }
        if (node.AdditionalPropertiesSchema is { } additional)
        {
            Visit(additional, $"{pointer}/additionalProperties", node);
        }
        if (node.Item is { } item)
        {
            Visit(item, $"{pointer}/items", node);
        }
        VisitAll(node.AllOf, pointer + "/allOf", node);
        VisitAll(node.AnyOf, pointer + "/anyOf", node);
        VisitAll(node.OneOf, pointer + "/oneOf", node);
        if (node.Not is { } not)
        {
            Visit(not, pointer + "/not", node);
        }
        foreach (var (name, child) in node.Definitions)
        {
            // A definition's logical parent is whoever refers to it; the root is the fallback.
            Visit(child, $"{pointer}/definitions/{Escape(name)}", node);
        }
    }

    private void VisitAll(ICollection<JsonSchema> children, string pointer, JsonSchema parent)
    {
        var i = 0;
        foreach (var child in children)
        {
            Visit(child, $"{pointer}/{i++}", parent);
        }
    }

    internal static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    [GeneratedRegex(@"\[([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)\]")]
    private static partial Regex TagPattern();
}
