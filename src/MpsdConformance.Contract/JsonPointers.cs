using System.Globalization;
using System.Text.Json;

namespace MpsdConformance.Contract;

/// <summary>JSON Pointer (RFC 6901) helpers.</summary>
public static class JsonPointers
{
    /// <summary>Escapes one reference token (<c>~</c> to <c>~0</c>, <c>/</c> to <c>~1</c>).</summary>
    public static string Escape(string token) => SchemaIndex.Escape(token);

    /// <summary>Unescapes one reference token (<c>~1</c> to <c>/</c>, then <c>~0</c> to <c>~</c>).</summary>
    public static string Unescape(string token) => token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);

    /// <summary>The unescaped reference tokens of a pointer ("" has none).</summary>
    public static IEnumerable<string> Tokens(string pointer) => pointer.Split('/').Skip(1).Select(Unescape);

    /// <summary>
    /// The value at <paramref name="pointer"/> in a System.Text.Json document: false when nothing is there; true
    /// with <paramref name="value"/> null for a JSON null.
    /// </summary>
    public static bool TryResolve(System.Text.Json.Nodes.JsonNode? root, string pointer, out System.Text.Json.Nodes.JsonNode? value)
    {
        value = root;
        foreach (var token in Tokens(pointer))
        {
            switch (value)
            {
                case System.Text.Json.Nodes.JsonObject o when o.TryGetPropertyValue(token, out var child):
                    value = child;
                    break;
                case System.Text.Json.Nodes.JsonArray a when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < a.Count:
                    value = a[index];
                    break;
                default:
                    value = null;
                    return false;
            }
        }
        return true;
    }

    /// <summary>Appends a token to a pointer.</summary>
    public static string Append(string pointer, string token) => pointer + "/" + Escape(token);

    /// <summary>The pointer of the parent ("" for a top-level member).</summary>
    public static string Parent(string pointer)
    {
        var cut = pointer.LastIndexOf('/');
        return cut <= 0 ? "" : pointer[..cut];
    }

    /// <summary>The value at <paramref name="pointer"/> in a System.Text.Json element: false when nothing is there.</summary>
    public static bool TryResolve(JsonElement root, string pointer, out JsonElement value)
    {
        value = root;
        if (pointer.Length == 0)
        {
            return true;
        }
        foreach (var token in Tokens(pointer))
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.Object when value.TryGetProperty(token, out var child):
                    value = child;
                    break;
                case JsonValueKind.Array when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < value.GetArrayLength():
                    value = value[index];
                    break;
                default:
                    value = default;
                    return false;
            }
        }
        return true;
    }
}
