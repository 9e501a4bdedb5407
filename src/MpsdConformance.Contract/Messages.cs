using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MpsdConformance.Contract;

/// <summary>Readable sentences for broken schema keywords.</summary>
internal static class Messages
{
    private static readonly JsonWriterOptions Compact = new() { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // The order the messages list union types in (as they always have).
    private static readonly string[] TypeOrder = ["array", "boolean", "integer", "null", "number", "object", "string"];

    /// <summary>The sentence for <paramref name="keyword"/> of <paramref name="node"/> broken by <paramref name="value"/>.</summary>
    public static string Describe(string keyword, SchemaIndex.Node node, JsonElement value, string? engineMessage)
    {
        var rule = SchemaIndex.Prose(node.Description);
        var shown = Show(value);
        return keyword switch
        {
            "type" => $"expected {Types(node)}, found {JsonType(value)}" + RuleSuffix(rule),
            "pattern" => $"{shown} is not allowed" + (rule.Length > 0 ? $": {rule}" : $" (must match {Text(node, "pattern")})"),
            "enum" => $"{shown} is not one of {string.Join(", ", node.TryGet("enum", out var values) ? values.EnumerateArray().Select(Show) : [])}",
            "const" => $"expected {(node.TryGet("const", out var constant) ? Show(constant) : "the constant")}, found {shown}" + RuleSuffix(rule),
            "minimum" => $"{shown} is below the minimum {Text(node, "minimum")}" + RuleSuffix(rule),
            "maximum" => $"{shown} is above the maximum {Text(node, "maximum")}" + RuleSuffix(rule),
            "exclusiveMinimum" => $"{shown} is not above {Text(node, "exclusiveMinimum")}" + RuleSuffix(rule),
            "exclusiveMaximum" => $"{shown} is not below {Text(node, "exclusiveMaximum")}" + RuleSuffix(rule),
            "multipleOf" => $"{shown} is not a multiple of {Text(node, "multipleOf")}" + RuleSuffix(rule),
            "minLength" => $"{shown} is shorter than {Text(node, "minLength")} characters",
            "maxLength" => $"{shown} is longer than {Text(node, "maxLength")} characters",
            "minItems" => $"the array has fewer than {Text(node, "minItems")} items",
            "maxItems" => $"the array has more than {Text(node, "maxItems")} items",
            "minProperties" => $"the object has fewer than {Text(node, "minProperties")} properties",
            "maxProperties" => $"the object has more than {Text(node, "maxProperties")} properties",
            "uniqueItems" => "array items are not unique",
            "not" => rule.Length > 0 ? $"breaks the rule: {rule}" : "matches a shape the schema excludes",
            "anyOf" => rule.Length > 0 ? $"breaks the rule: {rule}" : "matches none of the allowed shapes",
            "oneOf" => rule.Length > 0 ? $"breaks the rule: {rule}" : "matches none, or more than one, of the allowed shapes",
            "contains" => rule.Length > 0 ? $"breaks the rule: {rule}" : "holds no item of the required shape",
            "false" => "no value is allowed here" + RuleSuffix(rule),
            _ => (engineMessage ?? $"breaks '{keyword}'") + RuleSuffix(rule),
        };
    }

    /// <summary>A property the schema does not allow: names what is allowed there.</summary>
    public static string UnknownKey(string name, IReadOnlyList<string> allowed) =>
        $"property \"{name}\" is not allowed here" + (allowed.Count > 0 ? $" (allowed: {string.Join(", ", allowed)})" : "");

    /// <summary>A key that breaks <c>propertyNames</c>.</summary>
    public static string BadKey(string name, string keyword, SchemaIndex.Node names, SchemaIndex.Node? holder)
    {
        var rule = SchemaIndex.Prose(names.Description ?? holder?.Description);
        var why = keyword switch
        {
            "maxLength" => $"longer than {Text(names, "maxLength")} characters",
            "minLength" => $"shorter than {Text(names, "minLength")} characters",
            "pattern" when rule.Length == 0 => $"must match {Text(names, "pattern")}",
            _ => rule,
        };
        return $"key \"{name}\" is not allowed here" + (why.Length > 0 ? $": {why}" : "");
    }

    /// <summary>A required property that is missing.</summary>
    public static string Missing(string name, string? because = null) =>
        $"required property \"{name}\" is missing" + (because is null ? "" : $" ({because})");

    private static string RuleSuffix(string rule) => rule.Length > 0 ? $" ({rule})" : "";

    private static string Text(SchemaIndex.Node node, string keyword) =>
        node.TryGet(keyword, out var value) ? (value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText()) : "?";

    private static string Types(SchemaIndex.Node node)
    {
        if (!node.TryGet("type", out var type))
        {
            return "another type";
        }
        var names = type.ValueKind == JsonValueKind.Array
            ? type.EnumerateArray().Select(t => t.GetString() ?? "").ToList()
            : [type.GetString() ?? ""];
        return string.Join(" or ", names.OrderBy(n => Array.IndexOf(TypeOrder, n) is var i and >= 0 ? i : TypeOrder.Length));
    }

    internal static string JsonType(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Undefined => "nothing",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.Number => IsInteger(value) is { } integer ? (integer ? "an integer" : "a number with a fraction") : "a number beyond the double range",
        JsonValueKind.String => "a string",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => value.ValueKind.ToString().ToLowerInvariant(),
    };

    /// <summary>True for a number without a fraction (3.0 included), false with one, null when no double holds it.</summary>
    internal static bool? IsInteger(JsonElement number)
    {
        if (number.TryGetInt64(out _) || number.TryGetUInt64(out _))
        {
            return true;
        }
        if (number.TryGetDecimal(out var m))
        {
            return m == decimal.Truncate(m);
        }
        var d = double.Parse(number.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);
        return double.IsFinite(d) ? Math.Floor(d) == d : null;
    }

    /// <summary>The value as compact JSON, cut at 60 characters.</summary>
    internal static string Show(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Undefined)
        {
            return "the value";
        }
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Compact))
        {
            value.WriteTo(writer);
        }
        var text = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        return text.Length > 60 ? text[..57] + "..." : text;
    }
}
