using MpsdConformance.Contract;

namespace MpsdConformance.SelfTests.Harness;

/// <summary>
/// The contract checks never apply the session schema to an answer whose shape a documented reading leaves open:
/// for every reading of the ledger that gives an endpoint's answer a shape, an answer of that shape gets no finding.
/// </summary>
public class AnswerShapeTests
{
    private static readonly RequirementLedger Ledger = RequirementLedger.Load(Repo.Schemas);

    public static IEnumerable<TestCaseData> ShapedReadings() =>
        Ledger.Requirements.Where(r => r.Ambiguity is not null)
            .SelectMany(r => r.Ambiguity!.Readings.Where(x => x.Answer is not null).Select(x => new TestCaseData(r.Id, x.Id, x.Answer!.Endpoint, x.Answer.Shape)
                .SetName($"Answer_{r.Id}={x.Id}: {x.Answer.Endpoint} answers {x.Answer.Shape}")));

    private static string Sample(string shape) => shape switch
    {
        "session" => File.ReadAllText(Directory.EnumerateFiles(Path.Combine(Repo.Fixtures, "response", "valid"), "*.json").Order(StringComparer.Ordinal).First()),
        "property-bag" => """{"system":{"keywords":["k"],"joinRestriction":"followed"},"custom":{"a":{"b":1}}}""",
        _ => "",
    };

    [TestCaseSource(nameof(ShapedReadings))]
    public void AnAnswerOfADocumentedShape_GetsNoFinding(string requirement, string reading, string endpoint, string shape)
    {
        var check = new ContractCheckingHandler(ContractValidator.Shared(Repo.Schemas), new Redactor([]), Ledger);
        var body = Sample(shape);
        var findings = body.Length == 0 ? [] : check.Check(endpoint, body, "\"E\"", 200, "http://target/x");
        Assert.That(findings.Select(f => $"{f.Requirement}: {f.Message}"), Is.Empty, $"{requirement}={reading}: {endpoint} may answer {shape}");
    }

    [Test]
    public void APropertyBag_IsStillAFinding_WhereNoReadingAllowsIt()
    {
        var check = new ContractCheckingHandler(ContractValidator.Shared(Repo.Schemas), new Redactor([]), Ledger);
        var findings = check.Check("PUT session", Sample("property-bag"), "\"E\"", 200, "http://target/x");
        Assert.That(findings, Is.Not.Empty, "a session PUT answers a session under every reading");
    }
}
