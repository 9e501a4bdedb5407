using System.Reflection;
using MpsdConformance.Contract;

namespace MpsdConformance.SelfTests.Suite;

/// <summary>Every requirement is covered by a scenario that names it, or says why not; the ledger and the suite agree.</summary>
public class LedgerCoverageTests
{
    private static Dictionary<string, SortedSet<string>> ScenarioCoverage()
    {
        var configuration = TestContext.CurrentContext.TestDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        var path = Path.Combine(Repo.Root, "tests", "MpsdConformance.Scenarios", "bin", configuration, "net10.0", "MpsdConformance.Scenarios.dll");
        if (!File.Exists(path))
        {
            Assert.Fail($"the suite is not built ({path}); build the solution first");
        }
        var coverage = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        void Add(string id, string test)
        {
            if (!coverage.TryGetValue(id, out var set))
            {
                coverage[id] = set = new SortedSet<string>(StringComparer.Ordinal);
            }
            set.Add(test);
        }
        foreach (var type in Assembly.LoadFrom(path).GetTypes())
        {
            foreach (var method in type.GetMethods())
            {
                foreach (var id in method.GetCustomAttributes<RequirementAttribute>().SelectMany(a => a.Ids).Concat(CaseRequirements(type, method)))
                {
                    Add(id, $"{type.Name}.{method.Name}");
                }
            }
        }
        return coverage;
    }

    /// <summary>
    /// The requirements the cases of a [TestCaseSource] carry themselves (one case per requirement, e.g. one invalid
    /// fixture per body rule, one response-shape requirement per case).
    /// </summary>
    private static IEnumerable<string> CaseRequirements(Type type, MethodInfo method)
    {
        foreach (var source in method.GetCustomAttributes<TestCaseSourceAttribute>())
        {
            var provider = type.GetMethod(source.SourceName!, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                ?? throw new InvalidOperationException($"{type.Name}.{method.Name}: no static method {source.SourceName}");
            foreach (var data in ((System.Collections.IEnumerable)provider.Invoke(null, null)!).OfType<TestCaseData>())
            {
                foreach (var id in data.Properties[RequirementAttribute.PropertyName].Cast<string>())
                {
                    yield return id;
                }
            }
        }
    }

    [Test]
    public void EveryRequirement_IsCoveredByTheScenariosTheLedgerNames_OrSaysWhyNot()
    {
        var coverage = ScenarioCoverage();
        var ledger = RequirementLedger.Load(Repo.Schemas);
        var wrong = new List<string>();
        foreach (var requirement in ledger.Requirements)
        {
            var actual = coverage.GetValueOrDefault(requirement.Id) ?? [];
            switch (requirement.Coverage.State)
            {
                case "covered" when !actual.SetEquals(requirement.Coverage.Tests ?? []):
                    wrong.Add($"{requirement.Id}: the ledger names [{string.Join(", ", requirement.Coverage.Tests ?? [])}], the suite has [{string.Join(", ", actual)}]");
                    break;
                case "not-testable" when actual.Count > 0 || string.IsNullOrWhiteSpace(requirement.Coverage.Reason):
                    wrong.Add($"{requirement.Id}: not-testable needs a reason and no scenario (has [{string.Join(", ", actual)}])");
                    break;
                case "pending":
                    wrong.Add($"{requirement.Id}: still pending");
                    break;
            }
        }
        Assert.That(wrong, Is.Empty);
    }

    [Test]
    public void EveryRequirementAScenarioNames_IsInTheLedger()
    {
        var ledger = RequirementLedger.Load(Repo.Schemas);
        Assert.That(ScenarioCoverage().Keys.Where(id => ledger.Find(id) is null), Is.Empty);
    }
}
