using System.Text.Json;
using MpsdConformance.Contract;

namespace MpsdConformance.SelfTests.Suite;

/// <summary>
/// A verdict the docs do not force is a bug. Every invalid body the suite sends states, in data
/// (fixtures/KIND/expected-failures.json, "accepted"), how a conformant target may accept it instead of refusing
/// it; this walks the ledger and fails when a body demands refusal although a listed reading, or a combination of
/// readings on the same field, allows acceptance (or states an acceptance no reading allows).
/// </summary>
public class BodyOutcomeTests
{
    private static readonly Lazy<FixtureCatalog> Catalog = new(() => FixtureCatalog.Load(Repo.Fixtures));
    private static readonly Lazy<RequirementLedger> Ledger = new(() => RequirementLedger.Load(Repo.Schemas));

    public static IEnumerable<TestCaseData> InvalidBodies() =>
        Catalog.Value.Cases
            .Where(c => !c.ExpectValid && c.Kind != SchemaKind.Response && !c.RelativePath.StartsWith("docs/", StringComparison.Ordinal))
            .Select(c => new TestCaseData(c).SetName($"Outcomes_{c.RelativePath}"));

    private static BodyOutcomes Derive(FixtureCase fixture) =>
        BodyOutcomes.Derive(Ledger.Value, ContractValidator.Shared(Repo.Schemas), fixture.Kind, File.ReadAllText(fixture.FullPath), fixture.Pointer ?? "", fixture.Requirement);

    [TestCaseSource(nameof(InvalidBodies))]
    public void InvalidBody_StatesExactlyTheOutcomesTheLedgersReadingsAllow(FixtureCase fixture)
    {
        var derived = Derive(fixture);
        var stated = fixture.Accepted ?? [];
        var paste = JsonSerializer.Serialize(derived.Accepted.Select(a => new { effect = a.Effect, location = a.Location, readings = a.Readings }));
        Assert.Multiple(() =>
        {
            Assert.That(stated.Select(a => a.ToString()), Is.EquivalentTo(derived.Accepted.Select(a => a.ToString())),
                $"{fixture.RelativePath}: the ledger's readings allow these outcomes; state them as \"accepted\": {paste}");
            Assert.That(derived.MayRefuse, Is.True, $"{fixture.RelativePath}: every reading accepts this body, so it cannot be sent as one that must be refused");
        });
    }

    [TestCase("properties/invalid/join-restriction-null.json", "removed", "PROPS-RESTRICTION-VALUES=null-removes")]
    [TestCase("properties/invalid/host-as-number.json", "dropped", "PROPS-HOST-MUST-MATCH=non-string-dropped")]
    [TestCase("request/invalid/group-alias-not-integers.json", "dropped-or-kept", "MEMBER-INIT-GROUP-INTS=initialization-group")]
    [TestCase("request/invalid/member-subscription-change-types-item-not-string.json", "dropped-or-kept", "MEMBER-SUBSCRIPTIONS-SHAPE=subscriptions-map")]
    public void TheReadingsThatFailedAConformantTarget_AllowAcceptance(string path, string effect, string reading)
    {
        var fixture = Catalog.Value.Cases.Single(c => c.RelativePath == path);
        var derived = Derive(fixture);
        Assert.That(derived.Accepted.Where(a => a.Effect == effect).SelectMany(a => a.Readings), Does.Contain(reading),
            $"derived: {string.Join("; ", derived.Accepted)}");
    }

    [TestCase("/members/me/properties/system/group/0", "/members/*/properties/system/group", true, "/members/me/properties/system/group")]
    [TestCase("/members/me/properties/system/group", "/members/*/properties/system/group", false, "/members/me/properties/system/group")]
    [TestCase("/members/me/properties/system/group/0", "/members/*/properties/system/group", false, null)]
    [TestCase("/properties/system/host", "/members/*/properties/system/host", true, null)]
    public void Globs_MatchOneSegmentPerStar(string pointer, string glob, bool prefix, string? expected) =>
        Assert.That(BodyOutcomes.Match([glob], pointer, prefix), Is.EqualTo(expected));
}
