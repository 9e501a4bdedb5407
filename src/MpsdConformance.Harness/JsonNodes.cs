using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MpsdConformance.Contract;

namespace MpsdConformance.Harness;

/// <summary>
/// RFC 6901 JSON Pointers over <see cref="System.Text.Json.Nodes"/> documents, as the expectations use them:
/// what sits at a pointer (telling a missing field from a JSON null), the value a constraint is given, and
/// where two documents first differ.
/// </summary>
public static class JsonNodes
{
    /// <summary>What a pointer found: the node (null for JSON null), or where the path ended if nothing is there.</summary>
    /// <param name="Found">True when the pointer names a field of the document (its value may be JSON null).</param>
    /// <param name="Node">The value when found; null for JSON null or when nothing is there.</param>
    /// <param name="Missing">When nothing is there, why, for messages: "the field is missing" and where the path ended.</param>
    public sealed record Lookup(bool Found, JsonNode? Node, string? Missing);

    /// <summary>Resolves <paramref name="pointer"/> (RFC 6901, "" for the whole document) in <paramref name="root"/>.</summary>
    public static Lookup Resolve(JsonNode? root, string pointer)
    {
        if (pointer.Length == 0)
        {
            return new Lookup(true, root, null);
        }
        if (pointer[0] != '/')
        {
            throw new ArgumentException($"'{pointer}' is not a JSON Pointer (it must be empty or start with '/')", nameof(pointer));
        }
        var node = root;
        var reached = "";
        var tokens = pointer[1..].Split('/');
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = Contract.JsonPointers.Unescape(tokens[i]);
            if (!TryStep(node, token, out var child))
            {
                var place = reached.Length == 0 ? "the document" : reached;
                var why = node is not (JsonObject or JsonArray) ? $"the field is missing: {place} is {Show(node)}"
                    : i == tokens.Length - 1 ? "the field is missing"
                    : $"the field is missing: {place} has no '{token}'";
                return new Lookup(false, null, why);
            }
            reached = JsonPointers.Append(reached, token);
            node = child;
        }
        return new Lookup(true, node, null);
    }

    private static bool TryStep(JsonNode? node, string token, out JsonNode? child)
    {
        child = null;
        if (node is JsonObject o)
        {
            return o.TryGetPropertyValue(token, out child);
        }
        if (node is JsonArray a && int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < a.Count)
        {
            child = a[index];
            return true;
        }
        return false;
    }

    /// <summary>
    /// The value a constraint is given for a JSON node: a string, a long (or a double when not integral), a
    /// bool, null for JSON null, and the node itself for objects and arrays.
    /// </summary>
    public static object? Natural(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return node;
        }
        var text = value.ToJsonString();
        return value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole) => whole,
            JsonValueKind.Number => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
            _ => value,
        };
    }

    /// <summary>
    /// The pointer (below <paramref name="at"/>) where <paramref name="before"/> and <paramref name="after"/> first
    /// differ, or null when they are equal (<see cref="JsonNode.DeepEquals"/>: key order does not count).
    /// </summary>
    public static string? FirstDifference(JsonNode? before, JsonNode? after, string at = "")
    {
        if (JsonNode.DeepEquals(before, after))
        {
            return null;
        }
        switch (before, after)
        {
            case (JsonObject a, JsonObject b):
                foreach (var (key, value) in a)
                {
                    var here = JsonPointers.Append(at, key);
                    if (!b.TryGetPropertyValue(key, out var other))
                    {
                        return here;
                    }
                    if (FirstDifference(value, other, here) is { } inner)
                    {
                        return inner;
                    }
                }
                return b.Select(p => p.Key).Where(k => !a.ContainsKey(k)).Select(k => JsonPointers.Append(at, k)).FirstOrDefault() ?? at;
            case (JsonArray a, JsonArray b):
                for (var i = 0; i < Math.Min(a.Count, b.Count); i++)
                {
                    if (FirstDifference(a[i], b[i], $"{at}/{i}") is { } inner)
                    {
                        return inner;
                    }
                }
                return $"{at}/{Math.Min(a.Count, b.Count)}";
            default:
                return at;
        }
    }

    /// <summary>The node as compact JSON for messages (<c>null</c> for JSON null), trimmed to <paramref name="max"/> characters.</summary>
    public static string Show(JsonNode? node, int max = 300)
    {
        var text = node?.ToJsonString() ?? "null";
        return text.Length <= max ? text : text[..max] + $"... ({text.Length} chars)";
    }

    /// <summary>What sits at a pointer, for messages: its JSON, or "nothing (why)".</summary>
    public static string Describe(Lookup lookup) => lookup.Found ? Show(lookup.Node) : $"nothing ({lookup.Missing})";
}
