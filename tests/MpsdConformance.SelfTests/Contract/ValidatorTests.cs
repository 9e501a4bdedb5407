using MpsdConformance.Contract;
using Newtonsoft.Json.Linq;

namespace MpsdConformance.SelfTests.Contract;

public class ValidatorTests
{
    [TestCase("#/a", """{"a":1}""", "/a")]
    [TestCase("#/m['a.b'].x[1]", """{"m":{"a.b":{"x":[1,2]}}}""", "/m/a.b/x/1")]
    [TestCase("#/m['c/d~e']", """{"m":{"c/d~e":1}}""", "/m/c~1d~0e")]
    [TestCase("#/m.a.b", """{"m":{"a.b":1,"a":{"b":2}}}""", "/m/a.b")]
    [TestCase("#/members.0.constants", """{"members":{"0":{"constants":{}}}}""", "/members/0/constants")]
    [TestCase("#/m['it''s']", """{"m":{"it''s":1}}""", "/m/it''s")]
    [TestCase("#/missing.deeper", "{}", "/missing/deeper")]
    [TestCase("#", "{}", "")]
    public void ValidatorPath_BecomesAJsonPointer_GuidedByThePayload(string path, string json, string pointer)
    {
        Assert.That(JsonPointers.FromValidatorPath(path, JToken.Parse(json)), Is.EqualTo(pointer));
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
            Assert.That(violation.SchemaLocation, Is.EqualTo("request.schema.json#/definitions/memberPropertiesSystem/allOf/0/not"));
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
    public void PropertiesSchema_SharesTheRequestSchemasPropertyDefinitions()
    {
        var request = JObject.Parse(File.ReadAllText(Path.Combine(Repo.Schemas, "request.schema.json")));
        var properties = JObject.Parse(File.ReadAllText(Path.Combine(Repo.Schemas, "properties.schema.json")));
        foreach (var name in new[] { "propertiesSystem", "custom", "sessionRef" })
        {
            Assert.That(JToken.DeepEquals(request["definitions"]![name], properties["definitions"]![name]), Is.True, $"definitions/{name} differs");
        }
    }
}
