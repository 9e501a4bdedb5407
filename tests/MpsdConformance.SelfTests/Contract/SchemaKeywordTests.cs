using System.Text.Json;
using NJsonSchema;

namespace MpsdConformance.SelfTests.Contract;

/// <summary>
/// NJsonSchema 10.7.2 silently ignores some draft-07 keywords (const, propertyNames, if/then/else, contains
/// and more). A schema that used one would look strict and enforce nothing, so the schemas may use only
/// keywords proven here to be enforced.
/// </summary>
public class SchemaKeywordTests
{
    /// <summary>Keywords that constrain, each proven enforced by a probe below.</summary>
    private static readonly HashSet<string> Enforced =
    [
        "type", "properties", "required", "additionalProperties", "patternProperties", "items", "enum", "pattern",
        "minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems", "minProperties", "anyOf", "allOf", "not", "$ref",
    ];

    /// <summary>Keywords that only annotate or organise.</summary>
    private static readonly HashSet<string> Annotations = ["$schema", "$id", "title", "description", "definitions"];

    public static IEnumerable<string> SchemaFiles() =>
        Directory.EnumerateFiles(Repo.Schemas, "*.schema.json").Select(Path.GetFileName).Order()!;

    [TestCaseSource(nameof(SchemaFiles))]
    public void Schema_UsesOnlyKeywordsTheValidatorEnforces(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.Schemas, file)));
        var unknown = new List<string>();
        CollectKeywords(document.RootElement, "", unknown);
        Assert.That(unknown, Is.Empty, "keywords NJsonSchema is not proven to enforce");
    }

    [TestCase("""{"type":"integer"}""", "1", "\"1\"")]
    [TestCase("""{"type":["object","null"]}""", "null", "1")]
    [TestCase("""{"properties":{"a":{"type":"string"}}}""", """{"a":"x"}""", """{"a":1}""")]
    [TestCase("""{"required":["a"]}""", """{"a":1}""", "{}")]
    [TestCase("""{"properties":{"a":{}},"additionalProperties":false}""", """{"a":1}""", """{"b":1}""")]
    [TestCase("""{"additionalProperties":{"type":"integer"}}""", """{"b":1}""", """{"b":"x"}""")]
    [TestCase("""{"patternProperties":{"^r_[0-9]+$":{"type":"integer"}},"additionalProperties":false}""", """{"r_1":1}""", """{"r_1":"x"}""")]
    [TestCase("""{"patternProperties":{"^r_[0-9]+$":{}},"additionalProperties":false}""", """{"r_1":1}""", """{"x":1}""")]
    [TestCase("""{"items":{"type":"integer"}}""", "[1,2]", "[1,\"x\"]")]
    [TestCase("""{"enum":[true]}""", "true", "false")]
    [TestCase("""{"pattern":"^[0-9]+(?!\\n)$"}""", "\"12\"", "\"12\\n\"")]
    [TestCase("""{"minimum":0}""", "0", "-1")]
    [TestCase("""{"maximum":100}""", "100", "101")]
    [TestCase("""{"minLength":1}""", "\"a\"", "\"\"")]
    [TestCase("""{"maxLength":1}""", "\"a\"", "\"ab\"")]
    [TestCase("""{"minItems":1}""", "[1]", "[]")]
    [TestCase("""{"maxItems":1}""", "[1]", "[1,2]")]
    [TestCase("""{"minProperties":1}""", """{"a":1}""", "{}")]
    [TestCase("""{"anyOf":[{"type":"string"},{"type":"integer"}]}""", "1", "true")]
    [TestCase("""{"allOf":[{"minimum":1},{"maximum":3}]}""", "2", "4")]
    [TestCase("""{"not":{"required":["a","b"]}}""", """{"a":1}""", """{"a":1,"b":2}""")]
    [TestCase("""{"definitions":{"d":{"type":"integer"}},"properties":{"a":{"$ref":"#/definitions/d"}}}""", """{"a":1}""", """{"a":"x"}""")]
    public void Keyword_IsEnforced(string schemaJson, string accepted, string rejected)
    {
        var schema = JsonSchema.FromJsonAsync(schemaJson).GetAwaiter().GetResult();
        Assert.Multiple(() =>
        {
            Assert.That(schema.Validate(accepted), Is.Empty, $"{accepted} must pass {schemaJson}");
            Assert.That(schema.Validate(rejected), Is.Not.Empty, $"{rejected} must fail {schemaJson}");
        });
    }

    [TestCase("""{"const":1}""", "2")]
    [TestCase("""{"propertyNames":{"maxLength":1}}""", """{"long":1}""")]
    [TestCase("""{"contains":{"type":"string"}}""", "[1]")]
    [TestCase("""{"if":{"required":["a"]},"then":{"required":["b"]}}""", """{"a":1}""")]
    public void Keyword_IsIgnoredByTheValidator_SoTheSchemasMustNotUseIt(string schemaJson, string shouldFail)
    {
        // Documents why these keywords are banned: NJsonSchema 10.7.2 accepts what they forbid.
        var schema = JsonSchema.FromJsonAsync(schemaJson).GetAwaiter().GetResult();
        Assert.That(schema.Validate(shouldFail), Is.Empty);
    }

    [Test]
    public void Pattern_WithoutNewlineGuard_AcceptsATrailingNewline_InDotNet()
    {
        // Why every pattern ends in (?!\n)$: .NET's $ also matches before a final newline, ECMAScript's does not.
        var schema = JsonSchema.FromJsonAsync("""{"pattern":"^[0-9]+$"}""").GetAwaiter().GetResult();
        Assert.That(schema.Validate("\"12\\n\""), Is.Empty);
    }

    [TestCaseSource(nameof(SchemaFiles))]
    public void Schema_EveryAnchoredPatternGuardsAgainstATrailingNewline(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.Schemas, file)));
        var patterns = new List<string>();
        CollectPatterns(document.RootElement, patterns);
        Assert.That(patterns.Where(p => p.EndsWith('$') && !p.EndsWith("(?!\\n)$", StringComparison.Ordinal)), Is.Empty);
    }

    private static void CollectKeywords(JsonElement node, string pointer, List<string> unknown)
    {
        if (node.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        foreach (var property in node.EnumerateObject())
        {
            var here = $"{pointer}/{property.Name}";
            if (!Enforced.Contains(property.Name) && !Annotations.Contains(property.Name))
            {
                unknown.Add(here);
            }
            switch (property.Name)
            {
                case "properties" or "patternProperties" or "definitions":
                    foreach (var child in property.Value.EnumerateObject())
                    {
                        CollectKeywords(child.Value, $"{here}/{child.Name}", unknown);
                    }
                    break;
                case "anyOf" or "allOf":
                    var i = 0;
                    foreach (var child in property.Value.EnumerateArray())
                    {
                        CollectKeywords(child, $"{here}/{i++}", unknown);
                    }
                    break;
                case "items" or "additionalProperties" or "not":
                    CollectKeywords(property.Value, here, unknown);
                    break;
            }
        }
    }

    private static void CollectPatterns(JsonElement node, List<string> patterns)
    {
        switch (node.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in node.EnumerateObject())
                {
                    if (property.Name == "pattern" && property.Value.ValueKind == JsonValueKind.String)
                    {
                        patterns.Add(property.Value.GetString()!);
                    }
                    if (property.Name == "patternProperties")
                    {
                        patterns.AddRange(property.Value.EnumerateObject().Select(p => p.Name));
                    }
                    CollectPatterns(property.Value, patterns);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in node.EnumerateArray())
                {
                    CollectPatterns(item, patterns);
                }
                break;
        }
    }
}
