using MpsdConformance.Contract;

namespace MpsdConformance.SelfTests.Contract;

public class LedgerTests
{
    private static readonly Lazy<RequirementLedger> Ledger = new(() => RequirementLedger.Load(Repo.Schemas));

    [Test]
    public void Ledger_IsValidAgainstItsSchema()
    {
        var schema = SchemaFile.Load(Path.Combine(Repo.Schemas, "requirements.schema.json"));
        var errors = schema.Validate(File.ReadAllText(Path.Combine(Repo.Schemas, "requirements.json")));
        Assert.That(errors.Select(e => e.ToString()), Is.Empty);
    }

    [Test]
    public void Ledger_IdsAreUnique()
    {
        var ids = Ledger.Value.Requirements.Select(r => r.Id).Concat(Ledger.Value.Errata.Select(e => e.Id));
        Assert.That(ids.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key), Is.Empty);
    }

    [Test]
    public void Ledger_HoldsBetween60And150Requirements_OfEveryLevel()
    {
        // 100 until ownership and the inactive timer were implemented: a mutant and an ambiguity each need an ID of their own.
        var requirements = Ledger.Value.Requirements;
        Assert.Multiple(() =>
        {
            Assert.That(requirements, Has.Count.InRange(60, 150));
            Assert.That(requirements.Select(r => r.Level).Distinct(), Is.EquivalentTo(new[] { "MUST", "SHOULD", "MAY" }));
        });
    }

    [Test]
    public void Ledger_EveryIdNamedInASchemaExists()
    {
        var validator = ContractValidator.Shared(Repo.Schemas);
        var missing = validator.RequirementIdsBySchema
            .SelectMany(kv => kv.Value.Select(id => (file: kv.Key, id)))
            .Where(x => Ledger.Value.Find(x.id) is null)
            .Select(x => $"{x.file}: {x.id}");
        Assert.That(missing, Is.Empty);
    }

    [Test]
    public void Ledger_EverySourceCitesAKnownDocument()
    {
        var unknown = Ledger.Value.Requirements
            .SelectMany(r => r.Sources.Select(s => (r.Id, s.Doc)))
            .Where(x => !Ledger.Value.Documents.ContainsKey(x.Doc))
            .Select(x => $"{x.Id}: {x.Doc}");
        Assert.That(unknown, Is.Empty);
    }

    [Test]
    public void Ledger_EveryAmbiguityHasExactlyOneReferenceReading_AndUniqueReadingIds()
    {
        var wrong = Ledger.Value.Requirements
            .Where(r => r.Ambiguity is not null)
            .Where(r => r.Ambiguity!.Readings.Count(x => x.Reference) != 1
                        || r.Ambiguity.Readings.Select(x => x.Id).Distinct().Count() != r.Ambiguity.Readings.Count)
            .Select(r => r.Id);
        Assert.That(wrong, Is.Empty);
    }

    [Test]
    public void Ledger_NotTestableEntriesSayWhy()
    {
        var silent = Ledger.Value.Requirements
            .Where(r => r.Coverage.State == "not-testable" && string.IsNullOrWhiteSpace(r.Coverage.Reason))
            .Select(r => r.Id);
        Assert.That(silent, Is.Empty);
    }

    [Test]
    public void Ledger_RecordsEveryDigestErratum_AndTheirFixturesExist()
    {
        var errata = Ledger.Value.Errata;
        var missingFixtures = errata.SelectMany(e => e.Fixtures ?? [])
            .Where(f => !File.Exists(Path.Combine(Repo.Root, f)));
        Assert.Multiple(() =>
        {
            Assert.That(errata.Select(e => e.Digest), Is.SupersetOf(new[] { "E-P1", "E-P2", "E-P3", "E-P4", "E-P5", "E-P6", "E-P7", "E-P8", "E-P9" }));
            Assert.That(errata, Has.Count.GreaterThanOrEqualTo(30));
            Assert.That(missingFixtures, Is.Empty);
        });
    }

    [Test]
    public void Ledger_PathCaseRequirementRecordsWhatTheClientSends()
    {
        var requirement = Ledger.Value.Find("HDR-PATH-CASE-INSENSITIVE");
        Assert.That(requirement?.Xsapi ?? requirement?.Statement, Does.Contain("sessionTemplates"));
    }
}
