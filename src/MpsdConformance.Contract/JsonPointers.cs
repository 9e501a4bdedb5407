using System.Globalization;
using System.Text;
using Newtonsoft.Json.Linq;

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

    /// <summary>The value at <paramref name="pointer"/>, or null when nothing is there.</summary>
    public static JToken? Resolve(JToken root, string pointer)
    {
        if (pointer.Length == 0)
        {
            return root;
        }
        var node = root;
        foreach (var token in Tokens(pointer))
        {
            node = node switch
            {
                JObject o => o.Property(token, StringComparison.Ordinal)?.Value,
                JArray a when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                _ => null,
            };
            if (node is null)
            {
                return null;
            }
        }
        return node;
    }

    /// <summary>
    /// Converts NJsonSchema's path (<c>#/a.b['c.d'][0]</c>) to a JSON Pointer. The path format is ambiguous
    /// for keys holding dots or quotes, so the payload itself decides: at each step the longest key of the
    /// current object that fits is taken.
    /// </summary>
    public static string FromValidatorPath(string? path, JToken root)
    {
        if (string.IsNullOrEmpty(path) || path == "#" || path == "#/")
        {
            return "";
        }
        var s = path.StartsWith("#/", StringComparison.Ordinal) ? path[2..] : path.TrimStart('#');
        var pointer = new StringBuilder();
        JToken? node = root;
        var pos = 0;
        var first = true;
        while (pos < s.Length)
        {
            string token;
            if (s[pos] == '[' && pos + 1 < s.Length && s[pos + 1] == '\'')
            {
                var rest = s[(pos + 2)..];
                token = Longest(node, rest, name => rest.StartsWith(name + "']", StringComparison.Ordinal))
                        ?? rest[..Math.Max(0, rest.IndexOf("']", StringComparison.Ordinal) is var end and >= 0 ? end : rest.Length)];
                pos += 2 + token.Length + 2;
            }
            else if (s[pos] == '[')
            {
                var close = s.IndexOf(']', pos);
                if (close < 0)
                {
                    break;
                }
                token = s[(pos + 1)..close];
                pos = close + 1;
            }
            else
            {
                if (!first && s[pos] == '.')
                {
                    pos++;
                }
                var rest = s[pos..];
                token = Longest(node, rest, name => rest.StartsWith(name, StringComparison.Ordinal)
                                                    && (rest.Length == name.Length || rest[name.Length] is '.' or '['))
                        ?? new string(rest.TakeWhile(c => c is not ('.' or '[')).ToArray());
                pos += token.Length;
            }
            first = false;
            pointer.Append('/').Append(Escape(token));
            node = node switch
            {
                JObject o => o.Property(token, StringComparison.Ordinal)?.Value,
                JArray a when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                _ => null,
            };
        }
        return pointer.ToString();
    }

    private static string? Longest(JToken? node, string rest, Func<string, bool> fits) =>
        node is JObject o
            ? o.Properties().Select(p => p.Name).Where(fits).OrderByDescending(n => n.Length).FirstOrDefault()
            : null;
}
