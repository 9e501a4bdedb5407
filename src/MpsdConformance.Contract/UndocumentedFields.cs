using System.Text.Json;

namespace MpsdConformance.Contract;

/// <summary>
/// Finds fields a payload carries where the schema lists the documented fields but tolerates others:
/// informational findings for a report, never violations. Walks the schema file's own JSON.
/// </summary>
internal static class UndocumentedFields
{
    public static IReadOnlyList<UndocumentedField> Find(SchemaIndex index, JsonElement root)
    {
        var found = new List<UndocumentedField>();
        Walk(index, index.RootNode, root, "", found, 0);
        return found;
    }

    private static void Walk(SchemaIndex index, SchemaIndex.Node node, JsonElement value, string pointer, List<UndocumentedField> found, int depth)
    {
        // allOf parts are not walked: the schemas use them only to give one rule its own requirement tag (a required
        // section, a value pattern); the fields are documented by the schema that holds them.
        if (depth > StrictJson.MaxDepth)
        {
            return;
        }
        var actual = index.Resolve(node);
        if (value.ValueKind == JsonValueKind.Object)
        {
            var properties = actual.TryGet("properties", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
            var patterns = actual.TryGet("patternProperties", out var pp) && pp.ValueKind == JsonValueKind.Object ? pp : default;
            var additional = actual.TryGet("additionalProperties", out var a) ? a : default;
            var closed = additional.ValueKind == JsonValueKind.False
                         || (actual.TryGet("unevaluatedProperties", out var u) && u.ValueKind == JsonValueKind.False);
            var documented = properties.ValueKind == JsonValueKind.Object && properties.EnumerateObject().Any();
            foreach (var property in value.EnumerateObject())
            {
                var here = JsonPointers.Append(pointer, property.Name);
                if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property.Name, out _)
                    && index.TryGet(JsonPointers.Append(actual.Pointer + "/properties", property.Name), out var known))
                {
                    Walk(index, known, property.Value, here, found, depth + 1);
                    continue;
                }
                var byPattern = patterns.ValueKind == JsonValueKind.Object
                    ? patterns.EnumerateObject().FirstOrDefault(x => index.Pattern(x.Name).IsMatch(property.Name)).Name
                    : null;
                if (byPattern is not null && index.TryGet(JsonPointers.Append(actual.Pointer + "/patternProperties", byPattern), out var matched))
                {
                    Walk(index, matched, property.Value, here, found, depth + 1);
                }
                else if (additional.ValueKind == JsonValueKind.Object && index.TryGet(actual.Pointer + "/additionalProperties", out var rest))
                {
                    Walk(index, rest, property.Value, here, found, depth + 1);
                }
                else if (documented && !closed)
                {
                    found.Add(new UndocumentedField(here, index.Location(actual.Pointer)));
                }
            }
        }
        else if (value.ValueKind == JsonValueKind.Array && actual.TryGet("items", out var items) && items.ValueKind == JsonValueKind.Object
                 && index.TryGet(actual.Pointer + "/items", out var item))
        {
            var i = 0;
            foreach (var element in value.EnumerateArray())
            {
                Walk(index, item, element, pointer + "/" + i++, found, depth + 1);
            }
        }
    }
}
