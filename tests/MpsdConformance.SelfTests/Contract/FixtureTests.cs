using MpsdConformance.Contract;

namespace MpsdConformance.SelfTests.Contract;

[Parallelizable(ParallelScope.All)]
public class FixtureTests
{
    private static readonly Lazy<FixtureCatalog> Catalog = new(() => FixtureCatalog.Load(Repo.Fixtures));

    public static IEnumerable<TestCaseData> ValidFixtures() =>
        Catalog.Value.Cases.Where(c => c.ExpectValid).Select(c => new TestCaseData(c).SetName($"Valid_{c.RelativePath}"));

    public static IEnumerable<TestCaseData> InvalidFixtures() =>
        Catalog.Value.Cases.Where(c => !c.ExpectValid).Select(c => new TestCaseData(c).SetName($"Invalid_{c.RelativePath}"));

    [TestCaseSource(nameof(ValidFixtures))]
    public void ValidFixture_Passes(FixtureCase fixture)
    {
        Assert.That(fixture.Check(ContractValidator.Shared(Repo.Schemas), out var detail), Is.True, detail);
    }

    [TestCaseSource(nameof(InvalidFixtures))]
    public void InvalidFixture_FailsAtExpectedPointer(FixtureCase fixture)
    {
        Assert.That(fixture.Check(ContractValidator.Shared(Repo.Schemas), out var detail), Is.True, detail);
    }

    [Test]
    public void Catalog_EveryInvalidFixtureHasAnExpectation_AndEveryExpectationAFile()
    {
        Assert.That(Catalog.Value.Problems, Is.Empty);
    }

    [TestCase("request")]
    [TestCase("properties")]
    [TestCase("response")]
    public void Catalog_HasAtLeast25InvalidCasesPerKind(string kind)
    {
        SchemaKinds.TryParse(kind, out var parsed);
        var invalid = Catalog.Value.Cases.Count(c => c.Kind == parsed && !c.ExpectValid && !c.RelativePath.StartsWith("docs/", StringComparison.Ordinal));
        Assert.That(invalid, Is.GreaterThanOrEqualTo(25));
    }

    [Test]
    public void Catalog_EveryExpectedRequirementIsInTheLedger()
    {
        var ledger = RequirementLedger.Load(Repo.Schemas);
        var unknown = Catalog.Value.Cases
            .Where(c => c.Requirement is not null && ledger.Find(c.Requirement) is null)
            .Select(c => $"{c.RelativePath}: {c.Requirement}");
        Assert.That(unknown, Is.Empty);
    }

    [Test]
    public void Catalog_FixturesOfOneKindAreAllDistinctPayloads()
    {
        var duplicates = Catalog.Value.Cases
            .GroupBy(c => (c.Kind, File.ReadAllText(c.FullPath).Trim()))
            .Where(g => g.Count() > 1)
            .Select(g => string.Join(" = ", g.Select(c => c.RelativePath)));
        Assert.That(duplicates, Is.Empty);
    }
}
