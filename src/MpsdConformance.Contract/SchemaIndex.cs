using System.Text.Json;
using System.Text.RegularExpressions;

namespace MpsdConformance.Contract;

/// <summary>
/// Knows every schema node of one schema file: where it sits (a JSON Pointer into the file), its raw JSON, and
/// the ledger IDs its description names. Built once from the file's JSON; read-only afterwards.
/// </summary>
internal sealed partial class SchemaIndex
{
    /// <summary>Keywords whose value is an object of subschemas keyed by name.</summary>
    internal static readonly string[] SchemaMaps = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];

    /// <summary>Keywords whose value is one subschema.</summary>
    internal static readonly string[] SingleSchemas =
    [
        "additionalProperties", "unevaluatedProperties", "items", "additionalItems", "unevaluatedItems", "contains",
        "not", "if", "then", "else", "propertyNames", "contentSchema",
    ];

    /// <summary>Keywords whose value is an array of subschemas.</summary>
    internal static readonly string[] SchemaArrays = ["allOf", "anyOf", "oneOf", "prefixItems", "items"];

    private readonly Dictionary<string, Node> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Regex> _patterns = new(StringComparer.Ordinal);

    public SchemaIndex(string fileName, JsonElement root)
    {
        FileName = fileName;
        Root = root;
        Visit(root, "", null);
    }

    public string FileName { get; }

    /// <summary>The whole schema file.</summary>
    public JsonElement Root { get; }

    /// <summary>Every ledger ID named by any description in the schema, in file order.</summary>
    public IEnumerable<string> AllRequirementIds =>
        _nodes.Values.SelectMany(n => n.Ids).Distinct(StringComparer.Ordinal);

    /// <summary>The root node.</summary>
    public Node RootNode => _nodes[""];

    /// <summary><c>file#/pointer</c> of a node.</summary>
    public string Location(string pointer) => FileName + "#" + pointer;

    /// <summary>The node at <paramref name="pointer"/>, or the nearest node above it (the root at worst).</summary>
    public Node Nearest(string pointer)
    {
        while (true)
        {
            if (_nodes.TryGetValue(pointer, out var node))
            {
                return node;
            }
            if (pointer.Length == 0)
            {
                return RootNode;
            }
            pointer = JsonPointers.Parent(pointer);
        }
    }

    /// <summary>The node at exactly <paramref name="pointer"/>.</summary>
    public bool TryGet(string pointer, out Node node) => _nodes.TryGetValue(pointer, out node!);

    /// <summary>The node a local <c>$ref</c> of <paramref name="node"/> names, followed to its end; the node itself without one.</summary>
    public Node Resolve(Node node)
    {
        for (var hops = 0; hops < 32 && node.Ref is { } target && _nodes.TryGetValue(target, out var next); hops++)
        {
            node = next;
        }
        return node;
    }

    /// <summary>A compiled pattern of the schema (patternProperties keys, pattern values), cached.</summary>
    public Regex Pattern(string pattern)
    {
        lock (_patterns)
        {
            if (!_patterns.TryGetValue(pattern, out var regex))
            {
                regex = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
                _patterns[pattern] = regex;
            }
            return regex;
        }
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

    private void Visit(JsonElement schema, string pointer, string? parent)
    {
        string? description = null;
        string? reference = null;
        if (schema.ValueKind == JsonValueKind.Object)
        {
            if (schema.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String)
            {
                description = d.GetString();
            }
            if (schema.TryGetProperty("$ref", out var r) && r.ValueKind == JsonValueKind.String && r.GetString() is { } text && text.StartsWith('#'))
            {
                reference = Uri.UnescapeDataString(text[1..]);
            }
        }
        else if (schema.ValueKind != JsonValueKind.True && schema.ValueKind != JsonValueKind.False)
        {
            return; // not a schema
        }
        if (!_nodes.TryAdd(pointer, new Node(pointer, schema, description, RequirementIds(description).ToList(), reference, parent)))
        {
            return;
        }
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        foreach (var property in schema.EnumerateObject())
        {
            var here = JsonPointers.Append(pointer, property.Name);
            if (SchemaMaps.Contains(property.Name) && property.Value.ValueKind == JsonValueKind.Object)
            {
                foreach (var child in property.Value.EnumerateObject())
                {
                    Visit(child.Value, JsonPointers.Append(here, child.Name), pointer);
                }
            }
            else if (SchemaArrays.Contains(property.Name) && property.Value.ValueKind == JsonValueKind.Array)
            {
                var i = 0;
                foreach (var child in property.Value.EnumerateArray())
                {
                    Visit(child, here + "/" + i++, pointer);
                }
            }
            else if (SingleSchemas.Contains(property.Name))
            {
                Visit(property.Value, here, pointer);
            }
        }
    }

    internal static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    [GeneratedRegex(@"\[([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)\]")]
    private static partial Regex TagPattern();

    /// <summary>One schema node.</summary>
    /// <param name="Pointer">Where it sits in the file.</param>
    /// <param name="Schema">Its JSON (an object, or true/false).</param>
    /// <param name="Description">Its description, if any.</param>
    /// <param name="Ids">The ledger IDs its description names.</param>
    /// <param name="Ref">The pointer its local <c>$ref</c> names, if any.</param>
    /// <param name="Parent">The pointer of the node that holds it (null for the root).</param>
    internal sealed record Node(string Pointer, JsonElement Schema, string? Description, IReadOnlyList<string> Ids, string? Ref, string? Parent)
    {
        /// <summary>The value of one keyword, if the node has it.</summary>
        public bool TryGet(string keyword, out JsonElement value)
        {
            if (Schema.ValueKind == JsonValueKind.Object && Schema.TryGetProperty(keyword, out value))
            {
                return true;
            }
            value = default;
            return false;
        }
    }
}
