using MpsdConformance.Reporting;

namespace MpsdConformance.SelfTests.Reporting;

public class KnownIssuesTests
{
    private static readonly DateOnly Today = new(2026, 11, 23);

    private static GateResult Gate(params KnownIssue[] issues) => KnownIssues.Evaluate(issues, SampleRun.Build(), Today);

    private static KnownIssue Issue(string requirement, string? test = null, int days = 10) =>
        new(requirement, test, "accepted while the fix ships", "https://tracker.example/1", Today.AddDays(days));

    [Test]
    public void UnlistedFailures_FailTheGate_WithPasteReadyEntries()
    {
        var gate = Gate();
        Assert.Multiple(() =>
        {
            Assert.That(gate.Passed, Is.False);
            Assert.That(gate.Problems, Has.Some.Contains("fail ETAG-PRESENT (MUST) is not a known issue"));
            Assert.That(gate.PasteReady, Has.Some.Contains("\"requirement\":\"ETAG-PRESENT\"").And.Some.Contains("\"expires\":\"2026-12-23\""));
        });
    }

    [Test]
    public void ListedFailures_PassTheGate()
    {
        var gate = Gate(Issue("ETAG-PRESENT"), Issue("PUT-PROHIBITED-400", "ProhibitedTopLevelMember_Gets400_AsText"));
        Assert.That(gate.Passed, Is.True, string.Join("\n", gate.Problems));
    }

    [Test]
    public void ListedFailureThatNowPasses_SaysRemoveThisEntry()
    {
        var gate = Gate(Issue("ETAG-PRESENT"), Issue("PUT-PROHIBITED-400"), Issue("PUT-CREATE-201"));
        Assert.That(gate.Problems, Is.EqualTo(new[] { "known issue PUT-CREATE-201 now passes: remove this entry" }));
    }

    [TestCase("NO-SUCH-REQUIREMENT", null)]
    [TestCase("ETAG-PRESENT", "NoSuchScenario")]
    public void EntryMatchingNothing_FailsTheGate(string requirement, string? test)
    {
        var gate = Gate(Issue("ETAG-PRESENT"), Issue("PUT-PROHIBITED-400"), Issue(requirement, test));
        Assert.That(gate.Problems, Has.One.Contains("matched nothing"));
    }

    [Test]
    public void ExpiredEntry_FailsTheGate()
    {
        var gate = Gate(Issue("ETAG-PRESENT", days: -1), Issue("PUT-PROHIBITED-400"));
        Assert.Multiple(() =>
        {
            Assert.That(gate.Passed, Is.False);
            Assert.That(gate.Problems, Has.Some.Contains("expired on 2026-11-22"));
        });
    }

    [Test]
    public void TheReadmesExampleFile_Loads()
    {
        var issues = KnownIssues.Load(Path.Combine(Repo.Root, "examples", "known-issues.json"));
        Assert.That(issues.Select(i => i.Requirement), Is.EqualTo(new[] { "PUT-PROHIBITED-400", "SESSION-FULL" }));
    }

    [TestCase("""{"knownIssues":[{"requirement":"X-Y","reason":"r","link":"l"}]}""", "knownIssues[0].expires is required")]
    [TestCase("""{"knownIssues":[{"requirement":"X-Y","reason":"r","link":"l","expires":"next week"}]}""", "write a date as yyyy-MM-dd")]
    [TestCase("""[]""", "write {\"knownIssues\"")]
    [TestCase("""not json""", "cannot be read")]
    public void BadKnownIssuesFile_IsRefused_NamingTheField(string json, string message)
    {
        var path = Path.Combine(Path.GetTempPath(), "mpsd-known-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, json);
        var ex = Assert.Throws<KnownIssuesException>(() => KnownIssues.Load(path));
        Assert.That(ex!.Message, Does.Contain(message));
    }
}
