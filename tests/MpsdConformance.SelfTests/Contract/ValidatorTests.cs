using System.Text.Json.Nodes;
using MpsdConformance.Contract;

namespace MpsdConformance.SelfTests.Contract;

public class ValidatorTests
{
    [TestCase("""{"servers":{"a/b~c":5}}""", "/servers/a~1b~0c")]
    [TestCase("""{"members":{"me":{"gamertag":"x"}}}""", "/members/me/gamertag")]
    [TestCase("""{"members":{"me\n":{}}}""", "/members/me\n")]
    [TestCase("""{"constants":{"system":{"initiators":["1","x"]}}}""", "/constants/system/initiators/1")]
    [TestCase("""{"members":{"reserve_0":{"constants":{"system":{}}}}}""", "/members/reserve_0/constants/system/xuid")]
    public void Violation_PointerIsAnEscapedJsonPointerIntoThePayload(string json, string pointer)
    {
        var report = ContractValidator.Shared(Repo.Schemas).Validate(SchemaKind.Request, json);
        Assert.That(report.Violations.Select(v => v.Pointer), Is.EquivalentTo(new[] { pointer }), string.Join("; ", report.Violations));
    }

    [TestCase("""{"a":1,"a":2}""", "not JSON: duplicate key \"a\"")]
    [TestCase("""{"a":{"b":1,"c":2,"d":3,"e":4,"f":5,"g":6,"h":7,"i":8,"j":9,"k":10,"b":0}}""", "not JSON: duplicate key \"b\"")]
    [TestCase("""{"a":1,"\u0061":2}""", "not JSON: duplicate key \"a\"")]
    [TestCase("""{"a":1,}""", "not JSON (line 1")]
    [TestCase("""[1,]""", "not JSON (line 1")]
    [TestCase("""{"a":1} // note""", "not JSON (line 1")]
    [TestCase("""/* c */ {}""", "not JSON (line 1")]
    [TestCase("""{} {}""", "not JSON (line 1, column 4)")]
    [TestCase("""["\uD800"]""", "not JSON: a string holds an unpaired UTF-16 surrogate escape")]
    [TestCase("""{'a':1}""", "not JSON (line 1")]
    [TestCase("""NaN""", "not JSON (line 1")]
    [TestCase("""01""", "not JSON (line 1")]
    [TestCase("", "not JSON (line 1, column 1)")]
    public void StrictJson_RefusesWhatRfc8259Refuses(string json, string problem)
    {
        Assert.Multiple(() =>
        {
            Assert.That(ContractValidator.JsonProblem(json), Does.StartWith(problem));
            Assert.That(ContractValidator.Shared(Repo.Schemas).Validate(SchemaKind.Properties, json).Problem, Does.StartWith(problem));
        });
    }

    [Test]
    public void StrictJson_RefusesNestingDeeperThan256()
    {
        var deep = new string('[', 300) + new string(']', 300);
        Assert.That(ContractValidator.JsonProblem("""{"custom":""" + deep + "}"), Does.StartWith("not JSON"));
        Assert.That(ContractValidator.JsonProblem("""{"custom":""" + new string('[', 200) + new string(']', 200) + "}"), Is.Null);
    }

    [TestCase("""{"constants":{"system":{"version":3.0}}}""", true)]
    [TestCase("""{"constants":{"system":{"version":1e2}}}""", true)]
    [TestCase("""{"constants":{"system":{"version":1.5}}}""", false)]
    [TestCase("""{"constants":{"system":{"version":18446744073709551615}}}""", true)]
    [TestCase("""{"constants":{"system":{"version":1e400}}}""", true)]
    [TestCase("""{"constants":{"system":{"maxMembersCount":1e400,"capabilities":{"large":true}}}}""", false)]
    [TestCase("""{"constants":{"system":{"maxMembersCount":123456789012345678901234567890,"capabilities":{"large":true}}}}""", false)]
    [TestCase("""{"constants":{"system":{"version":-1e400}}}""", false)]
    [TestCase("""{"properties":{"custom":[1e400,-1e400,1e-400,123456789012345678901234567890.5]}}""", true)]
    public void Numbers_AreComparedAsJsonSchemaSays_WithoutARangeLimit(string json, bool valid)
    {
        var report = ContractValidator.Shared(Repo.Schemas).Validate(SchemaKind.Request, json);
        Assert.Multiple(() =>
        {
            Assert.That(report.Problem, Is.Null);
            Assert.That(report.IsValid, Is.EqualTo(valid), string.Join("; ", report.Violations));
        });
    }

    [Test]
    public void Validate_IsThreadSafe_SameVerdictsFromEightThreads()
    {
        var validator = ContractValidator.Load(Repo.Schemas);
        var cases = FixtureCatalog.Load(Repo.Fixtures).Cases;
        var texts = cases.Select(c => (c.Kind, Text: File.ReadAllText(c.FullPath))).ToList();
        string Verdicts() => string.Join("\n", texts.Select(t => string.Join("|", validator.Validate(t.Kind, t.Text).Violations)));
        var expected = Verdicts();
        var results = new string[8];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => results[i] = Verdicts());
        Assert.That(results, Has.All.EqualTo(expected));
    }

    [Test]
    public void Violation_NamesTheSchemaLocation_AndTheNearestLedgerId()
    {
        var report = ContractValidator.Shared(Repo.Schemas).Validate(SchemaKind.Request, """{"members":{"me":{"properties":{"system":{"ready":true,"active":true}}}}}""");
        var violation = report.Violations.Single();
        Assert.Multiple(() =>
        {
            Assert.That(violation.Pointer, Is.EqualTo("/members/me/properties/system"));
            Assert.That(violation.SchemaLocation, Is.EqualTo("request.schema.json#/$defs/memberPropertiesSystem/allOf/0/not"));
            Assert.That(violation.Requirement, Is.EqualTo("MEMBER-READY-ACTIVE-EXCLUSIVE"));
            Assert.That(violation.Message, Does.Contain("ready and active are never both true"));
        });
    }

    [Test]
    public void Load_MissingSchemaFolder_SaysWhichFile()
    {
        var ex = Assert.Throws<ContractLoadException>(() => ContractValidator.Load("/no/such/schemas"));
        Assert.That(ex!.Message, Does.Contain("request.schema.json"));
    }

    [Test]
    public void Load_BrokenSchemaFile_SaysWhichFile()
    {
        var dir = Path.Combine(Path.GetTempPath(), "mpsd-broken-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        foreach (var kind in SchemaKinds.All)
        {
            File.Copy(Path.Combine(Repo.Schemas, kind.FileName()), Path.Combine(dir, kind.FileName()));
        }
        File.WriteAllText(Path.Combine(dir, "response.schema.json"), "{ not json");
        var ex = Assert.Throws<ContractLoadException>(() => ContractValidator.Load(dir));
        Assert.That(ex!.Message, Does.Contain("response.schema.json cannot be loaded"));
    }

    [Test]
    public void RequestMembersKeys_PropertyNamesAllowsExactlyTheKeysTheShapesAreGivenFor()
    {
        // The request's members says its keys twice: propertyNames (which keys) and patternProperties (each key's
        // shape: me, a reservation, an existing member). They must agree.
        const string file = "request.schema.json";
        var members = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Schemas, file)))!["$defs"]!["members"]!;
        var names = new System.Text.RegularExpressions.Regex(members["propertyNames"]!["pattern"]!.GetValue<string>());
        var shapes = members["patternProperties"]!.AsObject().Select(p => new System.Text.RegularExpressions.Regex(p.Key)).ToList();
        string[] keys = ["me", "me\n", "Me", "mee", "reserve_0", "reserve_9", "reserve_01", "reserve_123456789", "reserve_1234567890",
            "reserve_", "reserve_x", "0", "04", "7", "1234567890", "12345678901", "-1", "", "x", "0\n"];
        foreach (var key in keys)
        {
            Assert.That(names.IsMatch(key), Is.EqualTo(shapes.Any(r => r.IsMatch(key))), $"{file}: key \"{SchemaViolation.Printable(key)}\"");
        }
    }

    [Test]
    public void PropertiesSchema_SharesTheRequestSchemasPropertyDefinitions()
    {
        var request = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Schemas, "request.schema.json")))!;
        var properties = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Schemas, "properties.schema.json")))!;
        foreach (var name in new[] { "propertiesSystem", "custom", "sessionRef" })
        {
            Assert.That(JsonNode.DeepEquals(request["$defs"]![name], properties["$defs"]![name]), Is.True, $"$defs/{name} differs");
        }
    }
}
