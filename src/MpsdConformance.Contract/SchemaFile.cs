using System.Text.Json;
using Json.Schema;

namespace MpsdConformance.Contract;

/// <summary>
/// One JSON Schema file (draft-07 or 2020-12), built once with JsonSchema.Net and then used from any number of
/// threads: a payload is checked with the cheap pass/fail output first, and only a failing one is evaluated again
/// for the full result tree, from which each violation gets its JSON Pointer, a sentence, the schema location
/// (<c>file#/pointer</c>) and the nearest ledger IDs.
/// </summary>
public sealed class SchemaFile
{
    private static readonly EvaluationOptions FlagOnly = new() { OutputFormat = OutputFormat.Flag };
    private static readonly EvaluationOptions Tree = new() { OutputFormat = OutputFormat.Hierarchical };

    private readonly JsonSchema _schema;

    private SchemaFile(string fileName, JsonSchema schema, SchemaIndex index)
    {
        FileName = fileName;
        _schema = schema;
        Index = index;
    }

    /// <summary>The file's name, e.g. <c>request.schema.json</c>.</summary>
    public string FileName { get; }

    internal SchemaIndex Index { get; }

    /// <summary>Every ledger ID the schema's descriptions name, in file order.</summary>
    public IReadOnlyList<string> RequirementIds => Index.AllRequirementIds.ToList();

    /// <summary>Loads and builds one schema file; a missing or broken file throws <see cref="ContractLoadException"/>.</summary>
    public static SchemaFile Load(string path)
    {
        var fileName = Path.GetFileName(path);
        if (!File.Exists(path))
        {
            throw new ContractLoadException($"schema file missing: {fileName} in {Path.GetDirectoryName(Path.GetFullPath(path))}");
        }
        return Parse(File.ReadAllText(path), fileName);
    }

    /// <summary>Builds a schema from its JSON text; <paramref name="fileName"/> names it in schema locations.</summary>
    public static SchemaFile Parse(string schemaJson, string fileName = "schema.json")
    {
        try
        {
            using var raw = JsonDocument.Parse(schemaJson);
            var root = raw.RootElement.Clone();
            // A registry of its own: two builds of one $id (another folder, a reload) must not meet in the global one.
            var schema = JsonSchema.FromText(schemaJson, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
            var file = new SchemaFile(fileName, schema, new SchemaIndex(fileName, root));
            using var empty = JsonDocument.Parse("{}");
            file.Violations(empty.RootElement); // resolves everything once, up front
            return file;
        }
        catch (Exception e) when (e is JsonException or JsonSchemaException or RefResolutionException or ArgumentException or InvalidOperationException or KeyNotFoundException)
        {
            throw new ContractLoadException($"schema file {fileName} cannot be loaded: {e.Message}", e);
        }
    }

    /// <summary>
    /// Checks strict JSON text against the schema. Text that is not JSON throws <see cref="FormatException"/> saying why.
    /// </summary>
    public IReadOnlyList<SchemaViolation> Validate(string json)
    {
        if (!StrictJson.TryParse(json, out var payload, out var problem))
        {
            throw new FormatException(problem);
        }
        using (payload)
        {
            return Violations(payload!.Root);
        }
    }

    /// <summary>The violations of an instance: none when the pass/fail check passes.</summary>
    internal IReadOnlyList<SchemaViolation> Violations(JsonElement instance)
    {
        if (_schema.Evaluate(instance, FlagOnly).IsValid)
        {
            return [];
        }
        var results = _schema.Evaluate(instance, Tree);
        var found = new List<SchemaViolation>();
        new Collector(Index, instance, found).Visit(results, Index.RootNode, null, null);
        if (found.Count == 0)
        {
            // The engine said invalid and the tree names nothing: say so rather than pass it.
            found.Add(new SchemaViolation("", Index.Location(""), Index.RootNode.Ids, "schema", "breaks the schema"));
        }
        return found.DistinctBy(v => (v.Pointer, v.Kind, v.SchemaLocation)).ToList();
    }

    /// <summary>Turns the result tree into violations: only failing nodes that decide the verdict are reported.</summary>
    private sealed class Collector(SchemaIndex index, JsonElement instance, List<SchemaViolation> into)
    {
        public void Visit(EvaluationResults result, SchemaIndex.Node here, Chain? chain, SchemaIndex.Node? namesOf)
        {
            if (result.IsValid)
            {
                return;
            }
            chain = new Chain(here, chain);
            var pointer = result.InstanceLocation.ToString();
            JsonPointers.TryResolve(instance, pointer, out var value);
            var before = into.Count;

            foreach (var (keyword, message) in result.Errors ?? [])
            {
                Error(keyword, message, here, pointer, value, chain, namesOf, result);
            }

            List<EvaluationResults>? anyOf = null, oneOf = null;
            foreach (var child in result.Details ?? [])
            {
                var keyword = FirstStep(result, child);
                if (child.IsValid && keyword is not ("not" or "anyOf" or "oneOf"))
                {
                    continue; // a passing subschema says nothing, unless passing is what breaks the rule
                }
                var steps = Steps(result, child);
                switch (keyword)
                {
                    case "if":
                        break; // the condition: failing it only picks else
                    case "contains":
                        break; // items that do not match are expected; a failing contains says so on this node
                    case "anyOf":
                        (anyOf ??= []).Add(child);
                        break;
                    case "oneOf":
                        (oneOf ??= []).Add(child);
                        break;
                    case "not":
                        if (child.IsValid)
                        {
                            Add(pointer, Step(here, steps, child).Pointer, Requirements(chain), "not", Messages.Describe("not", here, value, null));
                        }
                        break;
                    case "propertyNames":
                        Visit(child, Step(here, steps, child), chain, here);
                        break;
                    default:
                        Visit(child, Step(here, steps, child), chain, namesOf);
                        break;
                }
            }
            if (anyOf is not null && !anyOf.Any(b => b.IsValid))
            {
                // The first branch is the usual case: what it says is wrong.
                Visit(anyOf[0], Step(here, Steps(result, anyOf[0]), anyOf[0]), chain, namesOf);
            }
            if (oneOf is not null && oneOf.Count(b => b.IsValid) != 1)
            {
                if (oneOf.Any(b => b.IsValid))
                {
                    Add(pointer, here.Pointer, Requirements(chain), "oneOf", Messages.Describe("oneOf", here, value, null));
                }
                else
                {
                    Visit(oneOf[0], Step(here, Steps(result, oneOf[0]), oneOf[0]), chain, namesOf);
                }
            }
            if (into.Count == before)
            {
                // Failed without a word from the engine (a draft-07 contains, say): the schema node's own words.
                var keyword = new[] { "anyOf", "oneOf", "contains", "not" }.FirstOrDefault(k => here.TryGet(k, out _)) ?? "schema";
                Add(pointer, here.Pointer, Requirements(chain), keyword, Messages.Describe(keyword, here, value, "breaks the schema"));
            }
        }

        private void Error(string keyword, string message, SchemaIndex.Node here, string pointer, JsonElement value, Chain chain, SchemaIndex.Node? namesOf, EvaluationResults result)
        {
            if (namesOf is not null)
            {
                // Inside propertyNames the instance is a key: the pointer names it.
                var key = JsonPointers.Tokens(pointer).LastOrDefault() ?? "";
                Add(pointer, here.Pointer, Requirements(chain), SchemaViolation.PropertyNamesKind, Messages.BadKey(key, keyword, here, namesOf));
                return;
            }
            switch (keyword)
            {
                case "" or "false":
                    var last = result.EvaluationPath.SegmentCount > 0 ? result.EvaluationPath[result.EvaluationPath.SegmentCount - 1].ToString() : "";
                    if (last is "additionalProperties" or "unevaluatedProperties" && here.Parent is { } holderPointer && index.TryGet(holderPointer, out var holder))
                    {
                        var name = JsonPointers.Tokens(pointer).LastOrDefault() ?? "";
                        Add(pointer, holder.Pointer, Requirements(chain), SchemaViolation.UnknownKeyKind, Messages.UnknownKey(name, Allowed(holder)));
                    }
                    else
                    {
                        Add(pointer, here.Pointer, Requirements(chain), "false", Messages.Describe("false", here, value, message));
                    }
                    break;
                case "required":
                    if (value.ValueKind == JsonValueKind.Object && here.TryGet("required", out var required))
                    {
                        foreach (var name in required.EnumerateArray().Select(n => n.GetString()!).Where(n => !value.TryGetProperty(n, out _)))
                        {
                            Add(JsonPointers.Append(pointer, name), here.Pointer, Requirements(chain), "required", Messages.Missing(name));
                        }
                    }
                    break;
                case "dependentRequired":
                    if (value.ValueKind == JsonValueKind.Object && here.TryGet("dependentRequired", out var dependencies))
                    {
                        foreach (var dependency in dependencies.EnumerateObject().Where(d => value.TryGetProperty(d.Name, out _)))
                        {
                            foreach (var name in dependency.Value.EnumerateArray().Select(n => n.GetString()!).Where(n => !value.TryGetProperty(n, out _)))
                            {
                                Add(JsonPointers.Append(pointer, name), here.Pointer, Requirements(chain), "dependentRequired",
                                    Messages.Missing(name, $"\"{dependency.Name}\" is present"));
                            }
                        }
                    }
                    break;
                default:
                    Add(pointer, here.Pointer, Requirements(chain), keyword, Messages.Describe(keyword, here, value, message));
                    break;
            }
        }

        private void Add(string pointer, string schemaPointer, IReadOnlyList<string> requirements, string kind, string message) =>
            into.Add(new SchemaViolation(pointer, index.Location(schemaPointer), requirements, kind, message));

        /// <summary>
        /// The schema node a child result evaluated: its parent's node, walked along the child's evaluation path
        /// (a <c>$ref</c> jumps to its target). The engine's own absolute locations are not used: in 8.0.5 a subschema
        /// of <c>if</c>, <c>else</c> or <c>additionalProperties</c> reached through a <c>$ref</c> gets an extra segment.
        /// </summary>
        private SchemaIndex.Node Step(SchemaIndex.Node from, List<string> steps, EvaluationResults child)
        {
            var node = from;
            for (var i = 0; i < steps.Count; i++)
            {
                var keyword = steps[i];
                string? next;
                if (keyword == "$ref")
                {
                    next = node.Ref;
                }
                else if (node.TryGet(keyword, out var value) && i + 1 < steps.Count
                         && (value.ValueKind == JsonValueKind.Array || (value.ValueKind == JsonValueKind.Object && SchemaIndex.SchemaMaps.Contains(keyword))))
                {
                    next = JsonPointers.Append(JsonPointers.Append(node.Pointer, keyword), steps[++i]);
                }
                else
                {
                    next = JsonPointers.Append(node.Pointer, keyword);
                    if (keyword is "items" or "contains" && i + 1 < steps.Count && steps[i + 1] == keyword)
                    {
                        i++; // 8.0.5 names these twice in the evaluation path
                    }
                }
                if (next is null || !index.TryGet(next, out node!))
                {
                    return Fallback(child);
                }
            }
            return node;
        }

        /// <summary>The engine's absolute location, to the nearest node of the file: used only if the walk fails.</summary>
        private SchemaIndex.Node Fallback(EvaluationResults result)
        {
            var text = result.SchemaLocation.OriginalString;
            var hash = text.IndexOf('#', StringComparison.Ordinal);
            var fragment = Uri.UnescapeDataString(hash < 0 ? "" : text[(hash + 1)..]);
            return index.Nearest(fragment);
        }

        /// <summary>The keyword a child result was evaluated under: the first segment of its path below its parent's.</summary>
        private static string FirstStep(EvaluationResults parent, EvaluationResults child)
        {
            var depth = parent.EvaluationPath.SegmentCount;
            return child.EvaluationPath.SegmentCount > depth ? child.EvaluationPath[depth].ToString() : "";
        }

        /// <summary>The segments of a child's evaluation path below its parent's (unescaped).</summary>
        private static List<string> Steps(EvaluationResults parent, EvaluationResults child)
        {
            var depth = parent.EvaluationPath.SegmentCount;
            return JsonPointers.Tokens(child.EvaluationPath.ToString()).Skip(depth).ToList();
        }

        /// <summary>The ledger IDs of the nearest node on the way from the root that names any.</summary>
        private static IReadOnlyList<string> Requirements(Chain? chain)
        {
            for (var link = chain; link is not null; link = link.Next)
            {
                if (link.Node.Ids.Count > 0)
                {
                    return link.Node.Ids;
                }
            }
            return [];
        }

        private static List<string> Allowed(SchemaIndex.Node holder)
        {
            var allowed = new List<string>();
            if (holder.TryGet("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
            {
                allowed.AddRange(properties.EnumerateObject().Select(p => p.Name));
            }
            if (holder.TryGet("patternProperties", out var patterns) && patterns.ValueKind == JsonValueKind.Object)
            {
                allowed.AddRange(patterns.EnumerateObject().Select(p => "keys matching " + p.Name));
            }
            return allowed;
        }
    }

    /// <summary>The schema nodes a result was reached through, innermost first.</summary>
    private sealed record Chain(SchemaIndex.Node Node, Chain? Next);
}
