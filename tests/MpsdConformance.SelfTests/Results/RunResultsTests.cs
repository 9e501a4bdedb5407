using System.Text.Json;
using System.Text.Json.Nodes;
using MpsdConformance.Contract;
using MpsdConformance.Hosting;
using MpsdConformance.SelfTests.Reporting;

namespace MpsdConformance.SelfTests.Results;

/// <summary>
/// scenario-results.json is one documented contract: written and read by the results model's types, valid
/// against schemas/scenario-results.schema.json, with the words of outcomes, verdicts and levels in one place.
/// </summary>
public class RunResultsTests
{
    private static readonly TargetDescription Target = new("http://127.0.0.1:5080/", "8e9a0f52-6e6b-4c1a-9d2e-1b7c3f0a5d11", 107, "sample",
        new Dictionary<string, string> { ["open"] = "quick" }, ["alice", "bob", "carol"], true);

    private static RunResults Sample() => RunResults.Of(Target, SampleRun.Start, SampleRun.Start.AddSeconds(3), SampleRun.Build().Results);

    private static ICollection<string> SchemaErrors(string json)
    {
        var schema = SchemaFile.Load(Path.Combine(Repo.Schemas, "scenario-results.schema.json"));
        return schema.Validate(json).Select(e => e.ToString()).ToList();
    }

    private static string Temp() => Directory.CreateTempSubdirectory("mpsd-results-").FullName;

    [Test]
    public void Written_IsValidAgainstItsSchema() => Assert.That(SchemaErrors(Sample().ToJson()), Is.Empty);

    [Test]
    public void WrittenThenRead_GivesTheSameResults()
    {
        var directory = Temp();
        var original = Sample();
        var read = RunResults.Read(original.Write(directory));
        Assert.Multiple(() =>
        {
            Assert.That(read.ToJson(), Is.EqualTo(original.ToJson()));
            Assert.That(read.Results.Select(r => r.Outcome), Is.EqualTo(original.Results.Select(r => r.Outcome)));
            Assert.That(read.Results.SelectMany(r => r.Readings), Is.EqualTo(original.Results.SelectMany(r => r.Readings)));
        });
        Directory.Delete(directory, true);
    }

    [TestCase("""{"schemaVersion":2,"target":{},"started":"2026-11-23T10:00:00Z","finished":"2026-11-23T10:00:00Z","results":[]}""", "schemaVersion")]
    [TestCase("""{"schemaVersion":1,"results":[{"outcome":"bogus"}]}""", "not a scenario-results file")]
    [TestCase("not json", "not a scenario-results file")]
    public void AFileOfAnotherFormat_IsRefused_SayingSo(string text, string message)
    {
        var directory = Temp();
        var path = Path.Combine(directory, RunResults.FileName);
        File.WriteAllText(path, text);
        Assert.That(() => RunResults.Read(path), Throws.TypeOf<InvalidDataException>().With.Message.Contains(message));
        Directory.Delete(directory, true);
    }

    [Test]
    public void TheWords_AreTheSchemasWords()
    {
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Schemas, "scenario-results.schema.json")))!;
        var verdicts = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Schemas, "verdicts.schema.json")))!;
        var outcomes = results["definitions"]!["outcome"]!["enum"]!.AsArray().Select(x => (string)x!);
        var levels = verdicts["properties"]!["level"]!["enum"]!.AsArray().Select(x => (string)x!);
        var verdictWords = verdicts["properties"]!["counts"]!["required"]!.AsArray().Select(x => (string)x!);
        Assert.Multiple(() =>
        {
            Assert.That(Enum.GetValues<Outcome>().Select(Words.Of), Is.EqualTo(outcomes));
            Assert.That(Enum.GetValues<Outcome>().Select(o => JsonSerializer.Serialize(o, RunResults.Json).Trim('"')), Is.EqualTo(outcomes));
            Assert.That(Enum.GetValues<Verdict>().Select(Words.Of), Is.EqualTo(verdictWords));
            Assert.That(Enum.GetValues<ConformanceLevel>().Select(l => JsonSerializer.Serialize(l, RunResults.Json).Trim('"')), Is.EquivalentTo(levels));
        });
    }

    [Test]
    public async Task AHostedRun_ReportsEachScenarioAsItStartsAndEnds_AndItsResultsMatchTheSchema()
    {
        var events = new List<ScenarioEvent>();
        var run = await SuiteRunner.RunAsync(new SuiteRunOptions
        {
            Requirements = new HashSet<string> { "GET-MISSING", "ETAG-PRESENT" },
            Progress = e =>
            {
                lock (events)
                {
                    events.Add(e);
                }
            },
        });
        var results = run.Results.Results;
        Assert.Multiple(() =>
        {
            Assert.That(results, Is.Not.Empty);
            Assert.That(results, Has.All.Matches<ScenarioResult>(r => r.Requirements.Contains("GET-MISSING") || r.Requirements.Contains("ETAG-PRESENT")));
            Assert.That(results.Select(r => r.Outcome), Has.All.EqualTo(Outcome.Passed));
            Assert.That(events.Where(e => e.Outcome is null).Select(e => e.FullName), Is.EquivalentTo(results.Select(r => r.FullName)), "one start event per scenario");
            Assert.That(events.Where(e => e.Outcome is not null).Select(e => (e.FullName, e.Outcome)),
                Is.EquivalentTo(results.Select(r => (r.FullName, (Outcome?)r.Outcome))), "one finish event per scenario, with its outcome");
            Assert.That(events.Where(e => e.Outcome is not null).Select(e => e.Finished), Is.EquivalentTo(Enumerable.Range(1, results.Count)));
            Assert.That(SchemaErrors(run.Results.ToJson()), Is.Empty);
            Assert.That(run.Results.Target.Source, Is.EqualTo(TargetHost.EmbeddedLabel));
            Assert.That(run.Results.ToJson(), Does.Not.Contain(run.Secrets[0]), "no secret in the results");
        });
    }
}
