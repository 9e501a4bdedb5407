using System.Text.Json.Nodes;
using System.Xml.Linq;
using MpsdConformance.Contract;
using MpsdConformance.Reporting;

namespace MpsdConformance.SelfTests.Reporting;

/// <summary>The generators, checked against committed snapshots (set MPSD_UPDATE_SNAPSHOTS=1 to rewrite them after a reviewed change).</summary>
public class ReportGeneratorTests
{
    private static readonly string SnapshotDir = Path.Combine(Repo.Root, "tests", "MpsdConformance.SelfTests", "Reporting", "Snapshots");

    private static void MatchesSnapshot(string name, string actual)
    {
        var path = Path.Combine(SnapshotDir, name);
        if (Environment.GetEnvironmentVariable("MPSD_UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(path, actual);
            Assert.Inconclusive($"snapshot {name} written; review it and commit");
        }
        Assert.That(File.Exists(path), Is.True, $"no snapshot {name}: run with MPSD_UPDATE_SNAPSHOTS=1, review, commit");
        Assert.That(actual.ReplaceLineEndings("\n"), Is.EqualTo(File.ReadAllText(path).ReplaceLineEndings("\n")), $"{name} differs from its snapshot");
    }

    [Test]
    public void Html_MatchesItsSnapshot() => MatchesSnapshot("compliance.html", HtmlReport.Render(SampleRun.Build()));

    [Test]
    public void VerdictsJson_MatchesItsSnapshot() => MatchesSnapshot("verdicts.json", VerdictsWriter.ToJson(SampleRun.Build()));

    [Test]
    public void JUnit_MatchesItsSnapshot() => MatchesSnapshot("junit.xml", JUnitWriter.Build(SampleRun.Build()).ToString());

    [Test]
    public void Allure_MatchesItsSnapshot()
    {
        var dir = Path.Combine(Path.GetTempPath(), "mpsd-allure-" + Guid.NewGuid().ToString("N"));
        AllureWriter.Write(SampleRun.Build(), dir);
        var all = string.Join("\n", Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal)
            .Select(f => $"=== {Path.GetFileName(f)}\n{File.ReadAllText(f)}"));
        Directory.Delete(dir, true);
        MatchesSnapshot("allure-results.txt", all);
    }

    [Test]
    public void VerdictsJson_IsValidAgainstItsSchema()
    {
        var schema = SchemaFile.Load(Path.Combine(Repo.Schemas, "verdicts.schema.json"));
        var errors = schema.Validate(VerdictsWriter.ToJson(SampleRun.Build()));
        Assert.That(errors.Select(e => e.ToString()), Is.Empty);
    }

    [Test]
    public void Html_IsSelfContained_AndEscapesWhatTheTargetSent()
    {
        var html = HtmlReport.Render(SampleRun.Build());
        Assert.Multiple(() =>
        {
            Assert.That(html, Does.Not.Match("(src|href)=\"(https?:)?//"), "no external script, font or image");
            Assert.That(html, Does.Not.Contain("<script>alert(1)</script>").And.Contain("&lt;script&gt;alert(1)&lt;/script&gt;"));
            Assert.That(html, Does.Not.Contain("<b>not escaped?</b>"));
            Assert.That(html, Does.Contain("id=\"level-badge\" class=\"badge level-non-conformant\""));
        });
    }

    [Test]
    public void JUnit_HasOneTestcasePerScenario_WithTheExplainingMessage()
    {
        var xml = JUnitWriter.Build(SampleRun.Build());
        var cases = xml.Descendants("testcase").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(cases, Has.Count.EqualTo(5));
            Assert.That(xml.Root!.Attribute("failures")!.Value, Is.EqualTo("2"));
            Assert.That(cases.Single(c => c.Attribute("name")!.Value.StartsWith("Update", StringComparison.Ordinal)).Element("failure")!.Value, Does.Contain("→ PUT"));
            Assert.That(cases.Count(c => c.Element("skipped") is not null), Is.EqualTo(1));
        });
    }

    [Test]
    public void Allure_OneResultPerScenario_StepsPerExchange_WithTheirAttachments()
    {
        var dir = Path.Combine(Path.GetTempPath(), "mpsd-allure-" + Guid.NewGuid().ToString("N"));
        AllureWriter.Write(SampleRun.Build(), dir);
        var results = Directory.EnumerateFiles(dir, "*-result.json").Select(f => JsonNode.Parse(File.ReadAllText(f))!).ToList();
        var failed = results.Single(r => (string?)r["name"] == "Update_Returns200_WithANewETag");
        var step = failed["steps"]!.AsArray().Single()!;
        Assert.Multiple(() =>
        {
            Assert.That(results, Has.Count.EqualTo(5));
            Assert.That((string?)failed["status"], Is.EqualTo("failed"));
            Assert.That(failed["labels"]!.AsArray().Select(l => $"{l!["name"]}={l["value"]}"), Does.Contain("severity=critical").And.Contain("tag=ETAG-PRESENT").And.Contain("feature=concurrency"));
            Assert.That((string?)step["name"], Does.StartWith("PUT /serviceconfigs/").And.EndWith("→ 200"));
            Assert.That(File.Exists(Path.Combine(dir, (string)step["attachments"]![0]!["source"]!)), Is.True);
        });
        Directory.Delete(dir, true);
    }
}
