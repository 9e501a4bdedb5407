using System.Globalization;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;

namespace MpsdConformance.Contract;

/// <summary>Readable sentences for validator errors.</summary>
internal static class Messages
{
    public static string Describe(ValidationError error, JToken? value)
    {
        var schema = error.Schema;
        var rule = SchemaIndex.Prose(schema?.Description ?? schema?.ActualSchema.Description);
        var shown = Show(value);
        return error.Kind switch
        {
            ValidationErrorKind.NoAdditionalPropertiesAllowed => $"property \"{error.Property}\" is not allowed here" + Allowed(schema),
            ValidationErrorKind.PropertyRequired => $"required property \"{error.Property}\" is missing",
            ValidationErrorKind.PatternMismatch => $"{shown} is not allowed" + (rule.Length > 0 ? $": {rule}" : $" (must match {schema?.Pattern})"),
            ValidationErrorKind.NotInEnumeration => $"{shown} is not one of {string.Join(", ", schema?.Enumeration.Select(e => JsonConvert.SerializeObject(e)) ?? [])}",
            ValidationErrorKind.NumberTooSmall => $"{shown} is below the minimum {schema?.Minimum?.ToString(CultureInfo.InvariantCulture)}" + RuleSuffix(rule),
            ValidationErrorKind.NumberTooBig => $"{shown} is above the maximum {schema?.Maximum?.ToString(CultureInfo.InvariantCulture)}" + RuleSuffix(rule),
            ValidationErrorKind.StringTooShort => $"{shown} is shorter than {schema?.MinLength} characters",
            ValidationErrorKind.StringTooLong => $"{shown} is longer than {schema?.MaxLength} characters",
            ValidationErrorKind.TooFewItems => $"the array has fewer than {schema?.MinItems} items",
            ValidationErrorKind.TooManyItems => $"the array has more than {schema?.MaxItems} items",
            ValidationErrorKind.TooFewProperties => $"the object has fewer than {schema?.MinProperties} properties",
            ValidationErrorKind.TooManyProperties => $"the object has more than {schema?.MaxProperties} properties",
            ValidationErrorKind.ItemsNotUnique => "array items are not unique",
            ValidationErrorKind.ExcludedSchemaValidates => rule.Length > 0 ? $"breaks the rule: {rule}" : "matches a shape the schema excludes",
            ValidationErrorKind.NotAnyOf or ValidationErrorKind.NotOneOf => rule.Length > 0 ? $"breaks the rule: {rule}" : "matches none of the allowed shapes",
            _ when IsTypeError(error.Kind) => $"expected {Types(schema)}, found {JsonType(value)}" + RuleSuffix(rule),
            _ => $"{error.Kind}" + RuleSuffix(rule),
        };
    }

    private static bool IsTypeError(ValidationErrorKind kind) => kind is
        ValidationErrorKind.NoTypeValidates or ValidationErrorKind.StringExpected or ValidationErrorKind.NumberExpected or
        ValidationErrorKind.IntegerExpected or ValidationErrorKind.BooleanExpected or ValidationErrorKind.ObjectExpected or
        ValidationErrorKind.ArrayExpected or ValidationErrorKind.NullExpected;

    private static string RuleSuffix(string rule) => rule.Length > 0 ? $" ({rule})" : "";

    private static string Allowed(JsonSchema? schema)
    {
        var names = schema?.ActualSchema.Properties.Keys.ToList() ?? [];
        var patterns = schema?.ActualSchema.PatternProperties.Keys.ToList() ?? [];
        if (names.Count == 0 && patterns.Count == 0)
        {
            return "";
        }
        var parts = names.Select(n => n).Concat(patterns.Select(p => "keys matching " + p));
        return $" (allowed: {string.Join(", ", parts)})";
    }

    private static string Types(JsonSchema? schema)
    {
        var type = schema?.ActualSchema.Type ?? JsonObjectType.None;
        var names = Enum.GetValues<JsonObjectType>()
            .Where(t => t != JsonObjectType.None && t != JsonObjectType.File && type.HasFlag(t))
            .Select(t => t.ToString().ToLowerInvariant())
            .ToList();
        return names.Count == 0 ? "another type" : string.Join(" or ", names);
    }

    internal static string JsonType(JToken? value) => value?.Type switch
    {
        null => "nothing",
        JTokenType.Object => "an object",
        JTokenType.Array => "an array",
        JTokenType.Integer => "an integer",
        JTokenType.Float => "a number with a fraction (or beyond the uint64 range)",
        JTokenType.String => "a string",
        JTokenType.Boolean => "a boolean",
        JTokenType.Null => "null",
        _ => value.Type.ToString().ToLowerInvariant(),
    };

    private static string Show(JToken? value)
    {
        if (value is null)
        {
            return "the value";
        }
        var text = value.ToString(Formatting.None);
        return text.Length > 60 ? text[..57] + "..." : text;
    }
}
