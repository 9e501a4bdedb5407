using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;
using NJsonSchema;

namespace MpsdConformance.Contract;

/// <summary>
/// Finds fields a payload carries where the schema lists the documented fields but tolerates others:
/// informational findings for a report, never violations.
/// </summary>
internal static class UndocumentedFields
{
    public static IReadOnlyList<UndocumentedField> Find(SchemaIndex index, JToken root)
    {
        var found = new List<UndocumentedField>();
        Walk(index, index.Root, root, "", found);
        return found;
    }

    private static void Walk(SchemaIndex index, JsonSchema schema, JToken value, string pointer, List<UndocumentedField> found)
    {
        // allOf parts are not walked: the schemas use them only to give one rule its own requirement tag (a required
        // section, a value pattern); the fields are documented by the schema that holds them.
        var actual = schema.ActualSchema;
        if (value is JObject obj)
        {
            foreach (var property in obj.Properties())
            {
                var here = JsonPointers.Append(pointer, property.Name);
                if (actual.Properties.TryGetValue(property.Name, out var known))
                {
                    Walk(index, known, property.Value, here, found);
                    continue;
                }
                var byPattern = actual.PatternProperties.FirstOrDefault(p => Regex.IsMatch(property.Name, p.Key));
                if (byPattern.Value is not null)
                {
                    Walk(index, byPattern.Value, property.Value, here, found);
                }
                else if (actual.AdditionalPropertiesSchema is { } additional)
                {
                    Walk(index, additional, property.Value, here, found);
                }
                else if (actual.Properties.Count > 0 && actual.AllowAdditionalProperties)
                {
                    found.Add(new UndocumentedField(here, index.Location(actual)));
                }
            }
        }
        else if (value is JArray array && actual.Item is { } item)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Walk(index, item, array[i], pointer + "/" + i, found);
            }
        }
    }
}
