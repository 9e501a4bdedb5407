using System.Text.Json;
using System.Text.Json.Nodes;
using MpsdConformance.Contract;

namespace MpsdConformance.SelfTests.Contract;

/// <summary>
/// Every keyword the schemas use is enforced by our validator: each validation keyword has a probe (a schema, a
/// failing instance and a passing one) run through the engine, and the probe also proves the failure is the
/// keyword's doing (the same schema without it accepts the failing instance). A keyword used in any schema with no
/// probe, and not listed as annotation or structure, fails the test.
/// </summary>
public class SchemaKeywordTests
{
    /// <summary>Keywords that do not validate: they annotate, identify or hold definitions.</summary>
    private static readonly HashSet<string> NonValidating =
    [
        "$schema", "$id", "$comment", "$anchor", "title", "description", "examples", "default", "deprecated", "readOnly",
        "writeOnly", "$defs", "definitions",
    ];

    /// <summary>One probe per validation keyword: the keyword sits at the root of the schema.</summary>
    private static readonly Dictionary<string, (string Schema, string Fails, string Passes)> Probes = new(StringComparer.Ordinal)
    {
        ["type"] = ("""{"type":"integer"}""", "\"1\"", "1"),
        ["properties"] = ("""{"properties":{"a":{"type":"string"}}}""", """{"a":1}""", """{"a":"x"}"""),
        ["required"] = ("""{"required":["a"]}""", "{}", """{"a":1}"""),
        ["additionalProperties"] = ("""{"properties":{"a":{}},"additionalProperties":false}""", """{"b":1}""", """{"a":1}"""),
        ["unevaluatedProperties"] = ("""{"allOf":[{"properties":{"a":{}}}],"unevaluatedProperties":false}""", """{"b":1}""", """{"a":1}"""),
        ["patternProperties"] = ("""{"patternProperties":{"^r_[0-9]+(?!\\n)$":{"type":"integer"}}}""", """{"r_1":"x"}""", """{"r_1":1,"x":"y"}"""),
        ["propertyNames"] = ("""{"propertyNames":{"pattern":"^[a-z]+(?!\\n)$","maxLength":3}}""", """{"Ab":1}""", """{"ab":1}"""),
        ["dependentRequired"] = ("""{"dependentRequired":{"members":["membersInfo"]}}""", """{"members":{}}""", """{"members":{},"membersInfo":{}}"""),
        ["dependentSchemas"] = ("""{"dependentSchemas":{"a":{"required":["b"]}}}""", """{"a":1}""", """{"a":1,"b":2}"""),
        ["minProperties"] = ("""{"minProperties":1}""", "{}", """{"a":1}"""),
        ["maxProperties"] = ("""{"maxProperties":1}""", """{"a":1,"b":2}""", """{"a":1}"""),
        ["items"] = ("""{"items":{"type":"integer"}}""", "[1,\"x\"]", "[1,2]"),
        ["prefixItems"] = ("""{"prefixItems":[{"type":"integer"}]}""", "[\"x\"]", "[1,\"x\"]"),
        ["contains"] = ("""{"contains":{"type":"string"}}""", "[1]", "[1,\"x\"]"),
        ["minItems"] = ("""{"minItems":1}""", "[]", "[1]"),
        ["maxItems"] = ("""{"maxItems":1}""", "[1,2]", "[1]"),
        ["uniqueItems"] = ("""{"uniqueItems":true}""", "[1,1]", "[1,2]"),
        ["enum"] = ("""{"enum":["a","b"]}""", "\"c\"", "\"b\""),
        ["const"] = ("""{"const":true}""", "false", "true"),
        ["pattern"] = ("""{"pattern":"^[0-9]+(?!\\n)$"}""", "\"12\\n\"", "\"12\""),
        ["minLength"] = ("""{"minLength":1}""", "\"\"", "\"a\""),
        ["maxLength"] = ("""{"maxLength":1}""", "\"ab\"", "\"a\""),
        ["minimum"] = ("""{"minimum":0}""", "-1", "0"),
        ["maximum"] = ("""{"maximum":100}""", "101", "100"),
        ["exclusiveMinimum"] = ("""{"exclusiveMinimum":0}""", "0", "1"),
        ["exclusiveMaximum"] = ("""{"exclusiveMaximum":100}""", "100", "99"),
        ["multipleOf"] = ("""{"multipleOf":2}""", "3", "4"),
        ["allOf"] = ("""{"allOf":[{"minimum":1},{"maximum":3}]}""", "4", "2"),
        ["anyOf"] = ("""{"anyOf":[{"type":"string"},{"type":"integer"}]}""", "true", "1"),
        ["oneOf"] = ("""{"oneOf":[{"type":"integer"},{"minimum":0}]}""", "3", "\"x\""),
        ["not"] = ("""{"not":{"required":["a","b"]}}""", """{"a":1,"b":2}""", """{"a":1}"""),
        ["if"] = ("""{"if":{"required":["a"]},"then":{"required":["b"]}}""", """{"a":1}""", """{"c":1}"""),
        ["then"] = ("""{"if":{"required":["a"]},"then":{"required":["b"]}}""", """{"a":1}""", """{"a":1,"b":2}"""),
        ["else"] = ("""{"if":{"required":["a"]},"else":{"required":["b"]}}""", """{"c":1}""", """{"c":1,"b":2}"""),
        ["$ref"] = ("""{"definitions":{"d":{"type":"integer"}},"$ref":"#/definitions/d"}""", "\"x\"", "1"),
    };

    public static IEnumerable<string> SchemaFiles() =>
        Directory.EnumerateFiles(Repo.Schemas, "*.schema.json").Select(Path.GetFileName).Order()!;

    public static IEnumerable<TestCaseData> ProbeCases() =>
        Probes.Keys.Select(k => new TestCaseData(k).SetName($"Keyword_IsEnforced({k})"));

    [TestCaseSource(nameof(SchemaFiles))]
    public void Schema_UsesOnlyKeywordsWithAnEnforcementProbe(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.Schemas, file)));
        var unprobed = Unprobed(document.RootElement);
        Assert.That(unprobed, Is.Empty, "keywords no probe here proves enforced (add a probe, or list the keyword as non-validating)");
    }

    [Test]
    public void KeywordCheck_CatchesAKeywordWithoutAProbe()
    {
        // The check itself can fail: a keyword no probe covers, deep inside, is named with its place.
        using var document = JsonDocument.Parse("""{"properties":{"a":{"allOf":[{"contentMediaType":"text/plain"}]}},"$defs":{"d":{"propertyNames":{"dependencies":{}}}}}""");
        Assert.That(Unprobed(document.RootElement), Is.EquivalentTo(new[] { "/properties/a/allOf/0/contentMediaType", "/$defs/d/propertyNames/dependencies" }));
    }

    [TestCaseSource(nameof(ProbeCases))]
    public void Keyword_IsEnforced(string keyword)
    {
        var (schemaJson, fails, passes) = Probes[keyword];
        foreach (var dialect in Dialects(keyword))
        {
            var schema = SchemaFile.Parse(WithDialect(schemaJson, dialect), "probe.schema.json");
            var rejected = schema.Validate(fails);
            Assert.Multiple(() =>
            {
                Assert.That(schema.Validate(passes), Is.Empty, $"{passes} must pass {schemaJson} ({dialect})");
                Assert.That(rejected, Is.Not.Empty, $"{fails} must fail {schemaJson} ({dialect})");
                Assert.That(rejected.All(v => v.Message.Length > 0 && v.SchemaLocation.StartsWith("probe.schema.json#", StringComparison.Ordinal)), Is.True,
                    string.Join("; ", rejected));
            });
            // The failure is the keyword's doing: without it the same instance passes.
            var without = JsonNode.Parse(WithDialect(schemaJson, dialect))!.AsObject();
            without.Remove(keyword);
            Assert.That(SchemaFile.Parse(without.ToJsonString(), "probe.schema.json").Validate(fails), Is.Empty,
                $"{fails} must pass {schemaJson} without {keyword} ({dialect})");
        }
    }

    [Test]
    public void Format_IsAnAnnotationOnly_SoTheSchemasMustNotRelyOnIt()
    {
        // JsonSchema.Net (like the 2020-12 default) does not assert format; the schemas spell formats as patterns.
        var schema = SchemaFile.Parse("""{"$schema":"https://json-schema.org/draft/2020-12/schema","format":"date-time"}""");
        Assert.That(schema.Validate("\"yesterday\""), Is.Empty);
        foreach (var file in SchemaFiles().Where(f => f is "request.schema.json" or "properties.schema.json" or "response.schema.json"))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.Schemas, file)));
            Assert.That(Keywords(document.RootElement, "").Select(k => k.Keyword), Does.Not.Contain("format"), file);
        }
    }

    [Test]
    public void Pattern_WithoutNewlineGuard_AcceptsATrailingNewline_InDotNet()
    {
        // Why every pattern ends in (?!\n)$: .NET's $ also matches before a final newline, ECMAScript's does not.
        var schema = SchemaFile.Parse("""{"pattern":"^[0-9]+$"}""");
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

    [TestCaseSource(nameof(SchemaFiles))]
    public void Schema_PatternPropertiesKeysHoldNoSlashOrTilde(string file)
    {
        // JsonSchema.Net 8.0.5 cannot evaluate a patternProperties key holding '/' or '~' (it throws); write [/] as \x2F.
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.Schemas, file)));
        var keys = Keywords(document.RootElement, "").Where(k => k.Keyword == "patternProperties")
            .SelectMany(k => k.Value.EnumerateObject().Select(p => p.Name));
        Assert.That(keys.Where(k => k.Contains('/') || k.Contains('~')), Is.Empty);
    }

    [Test]
    public void CommandLineSchemas_AreDraft202012()
    {
        foreach (var kind in SchemaKinds.All)
        {
            using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repo.Schemas, kind.FileName())));
            Assert.That(document.RootElement.GetProperty("$schema").GetString(), Is.EqualTo("https://json-schema.org/draft/2020-12/schema"), kind.FileName());
        }
    }

    // Probes run in 2020-12; those whose keyword draft-07 also has run there too (the own-file schemas are draft-07).
    private static IEnumerable<string> Dialects(string keyword) =>
        keyword is "unevaluatedProperties" or "prefixItems" or "dependentRequired" or "dependentSchemas"
            ? ["https://json-schema.org/draft/2020-12/schema"]
            : ["https://json-schema.org/draft/2020-12/schema", "http://json-schema.org/draft-07/schema#"];

    private static string WithDialect(string schemaJson, string dialect)
    {
        var node = JsonNode.Parse(schemaJson)!.AsObject();
        node.Insert(0, "$schema", dialect);
        return node.ToJsonString();
    }

    private static List<string> Unprobed(JsonElement root) =>
        Keywords(root, "")
            .Where(k => !NonValidating.Contains(k.Keyword) && !Probes.ContainsKey(k.Keyword))
            .Select(k => k.Pointer)
            .ToList();

    /// <summary>Every keyword of every schema node, with its place: subschemas are followed wherever a keyword holds them.</summary>
    private static IEnumerable<(string Keyword, string Pointer, JsonElement Value)> Keywords(JsonElement node, string pointer)
    {
        if (node.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }
        foreach (var property in node.EnumerateObject())
        {
            var here = $"{pointer}/{property.Name}";
            yield return (property.Name, here, property.Value);
            IEnumerable<(JsonElement, string)> children = property.Name switch
            {
                "properties" or "patternProperties" or "definitions" or "$defs" or "dependentSchemas" when property.Value.ValueKind == JsonValueKind.Object =>
                    property.Value.EnumerateObject().Select(c => (c.Value, $"{here}/{c.Name}")),
                "allOf" or "anyOf" or "oneOf" or "prefixItems" or "items" when property.Value.ValueKind == JsonValueKind.Array =>
                    property.Value.EnumerateArray().Select((c, i) => (c, $"{here}/{i}")),
                "items" or "additionalProperties" or "unevaluatedProperties" or "not" or "if" or "then" or "else" or "contains" or "propertyNames"
                    or "additionalItems" or "unevaluatedItems" => [(property.Value, here)],
                _ => [],
            };
            foreach (var (child, at) in children)
            {
                foreach (var keyword in Keywords(child, at))
                {
                    yield return keyword;
                }
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
