using System.Text.RegularExpressions;
using MpsdConformance.Cli;
using MpsdConformance.Contract;
using MpsdConformance.Reference;

namespace MpsdConformance.SelfTests.Mutants;

/// <summary>The mutant catalogue: a mutant (or one per behaviour) for each covered MUST and SHOULD requirement, or a reason why not; one name for every use.</summary>
[Parallelizable(ParallelScope.All)]
public partial class MutantCatalogueTests
{
    private static RequirementLedger Ledger => RequirementLedger.Load(Repo.Schemas);

    [Test]
    public void EveryCoveredMustAndShouldRequirement_HasAMutant_OrSaysWhyNot()
    {
        var covered = Ledger.Requirements.Where(r => r.Level is "MUST" or "SHOULD" && r.Coverage.State == "covered").Select(r => r.Id).ToList();
        var mutated = Faults.Catalogue.Select(f => f.Requirement).ToList();
        var unmutated = Faults.Unmutated.Select(u => u.Requirement).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(covered.Except(mutated).Except(unmutated), Is.Empty, "covered requirements with neither a mutant nor a reason");
            Assert.That(mutated.Concat(unmutated).Except(covered), Is.Empty, "mutants or reasons for requirements the suite does not cover at MUST or SHOULD");
            // A requirement with several behaviours (LARGE-ME-ONLY: what is listed, what is counted, what is refused) may
            // have a mutant per behaviour; each changes a decision point of its own.
            Assert.That(Faults.Catalogue.Where(f => f.Kind != FaultKind.UncheckedBodyRule).GroupBy(f => f.Kind).Where(g => g.Count() > 1).Select(g => g.Key), Is.Empty,
                "one mutant per decision point");
            Assert.That(Faults.Catalogue.Where(f => f.BodyRule is not null).GroupBy(f => f.BodyRule).Where(g => g.Count() > 1).Select(g => g.Key), Is.Empty,
                "one body-rule mutant per rule");
            Assert.That(mutated.Intersect(unmutated), Is.Empty, "a requirement either has a mutant or a reason");
            Assert.That(Faults.Unmutated.Where(u => string.IsNullOrWhiteSpace(u.Reason)), Is.Empty);
        });
        TestContext.Progress.WriteLine($"mutant catalogue: {mutated.Count} mutants for {covered.Count} covered MUST/SHOULD requirements; without a mutant: "
            + string.Join(", ", unmutated));
    }

    [Test]
    public void RequirementsWithoutAMutant_AreThoseTheReferenceServerDoesNotImplement_OrSayWhyNot()
    {
        var mutated = Faults.Catalogue.Select(f => f.Requirement).ToHashSet(StringComparer.Ordinal);
        var notImplemented = Ledger.Requirements
            .Where(r => r.Level is "MUST" or "SHOULD" && r.Coverage.State == "covered" && r.Reference?.Status == "not-implemented")
            .Select(r => r.Id)
            .ToHashSet(StringComparer.Ordinal);
        Assert.Multiple(() =>
        {
            Assert.That(notImplemented.Where(id => !mutated.Contains(id)), Is.SubsetOf(Faults.Unmutated.Select(u => u.Requirement)),
                "a requirement the reference does not implement has no mutant only when the catalogue says so");
            Assert.That(Faults.Unmutated.Where(u => !notImplemented.Contains(u.Requirement)).Select(u => u.Reason), Has.All.Length.GreaterThan(120),
                "an implemented requirement without a mutant carries a reason a reviewer can check");
            Assert.That(Faults.Unmutated.Select(u => u.Requirement), Has.None.Matches<string>(mutated.Contains), "unmutated and mutated at once");
        });
    }

    [Test]
    public void MutantNames_AreUniqueKebabCase_WithAWordOfWhatEachDoes()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Faults.Catalogue.Select(f => f.Name), Is.Unique);
            Assert.That(Faults.Catalogue.Where(f => !KebabCase().IsMatch(f.Name)).Select(f => f.Name), Is.Empty);
            Assert.That(Faults.Catalogue.Where(f => f.Description.Length < 20).Select(f => f.Name), Is.Empty);
            Assert.That(Faults.Catalogue.Where(f => (f.Kind == FaultKind.UncheckedBodyRule) != (f.BodyRule is not null)).Select(f => f.Name), Is.Empty,
                "a body-rule mutant names its rule, no other does");
        });
    }

    [Test]
    public void ReferenceServer_RefusesAnUnknownFault_NamingTheValidOnes()
    {
        var e = Assert.ThrowsAsync<ArgumentException>(() => ReferenceServer.StartAsync(new ReferenceOptions { Fault = "no-such-mutant" }));
        Assert.That(e!.Message, Does.Contain("no-such-mutant").And.Contain("me-null-ignored"));
    }

    [TestCase("serve", "--fault", "no-such-mutant")]
    [TestCase("selftest", "mutants", "--only", "no-such-mutant")]
    public async Task CommandLine_RefusesAnUnknownMutant_WithExit2_ListingTheValidOnes(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CommandLine.RunAsync(args, Stream.Null, output, error);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ExitCodes.Usage));
            Assert.That(error.ToString(), Does.Contain("unknown mutant 'no-such-mutant'").And.Contain("me-null-ignored").And.Contain("create-answers-200"));
        });
    }

    [Test]
    public async Task SelftestHelp_DescribesTheMatrix()
    {
        var output = new StringWriter();
        var code = await CommandLine.RunAsync(["selftest", "mutants", "--help"], Stream.Null, output, new StringWriter());
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ExitCodes.Ok));
            Assert.That(output.ToString(), Does.Contain("--out <DIR>").And.Contain("--only <NAMES>").And.Contain("--jobs <N>").And.Contain("exit codes: 0 "));
            Assert.That(output.ToString(), Does.Not.Contain("--lane"), "the lane option is internal");
        });
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex KebabCase();
}
