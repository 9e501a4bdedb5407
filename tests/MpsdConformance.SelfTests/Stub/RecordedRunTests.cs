using MpsdConformance.Cli;

namespace MpsdConformance.SelfTests.Stub;

/// <summary>
/// The proof of <c>mpsd certify --record-mappings</c> and <c>mpsd stub</c>: a whole certify run of the embedded
/// reference server is recorded once; every exchange of it is a mapping; its requests played again in the recorded
/// order get the recorded statuses and bodies from <c>mpsd stub</c> (WireMock.Net) and from the Java WireMock loading
/// the same files; and the mappings shipped in <c>stub/</c> are what recording the reference gives today.
/// </summary>
[NonParallelizable]
public class RecordedRunTests
{
    private string _work = null!;
    private string _root = null!;
    private RunResults _run = null!;
    private List<StubMapping> _mappings = null!;

    [OneTimeSetUp]
    public async Task RecordTheReference()
    {
        Environment.SetEnvironmentVariable("MPSD_REPO_ROOT", Repo.Root);
        _work = Directory.CreateTempSubdirectory("mpsd-recorded-").FullName;
        _root = Path.Combine(_work, "stub");
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CommandLine.RunAsync(["certify", "--out", Path.Combine(_work, "run"), "--record-mappings", _root], Stream.Null, output, error);
        Assert.That(code, Is.Zero, $"{output}{error}");
        Assert.That(output.ToString(), Does.Contain("level: fully conformant").And.Contain("mappings: "));
        _run = RunResults.Read(Path.Combine(_work, "run", RunResults.FileName));
        _mappings = MappingReader.Read(_root);
    }

    [OneTimeTearDown]
    public void RemoveTheRecording() => Directory.Delete(_work, recursive: true);

    [Test]
    public void EveryExchangeOfTheRun_IsAMapping_InFull()
    {
        var mappings = _mappings.Select(m => (m.Method, Path: m.Url, m.Status, Body: System.Text.Encoding.UTF8.GetString(m.ResponseBody))).ToList();
        var exchanges = _run.Results.SelectMany(r => r.Exchanges).Where(e => e.Status is not null).ToList();
        var missing = exchanges
            .Where(e => !mappings.Contains((e.Method, new Uri(e.Url).PathAndQuery, e.Status!.Value, e.ResponseBody ?? "")))
            .Select(e => $"{e.Method} {e.Url} {e.Status}")
            .ToList();
        Assert.Multiple(() =>
        {
            Assert.That(exchanges, Has.Count.GreaterThan(500), "a whole run");
            Assert.That(missing, Is.Empty, "every exchange the reports keep has a mapping with its status and its whole body");
            Assert.That(_mappings, Has.Count.GreaterThan(exchanges.Count), "the wire recording also has the cleanup and the quiet requests the reports leave out");
            Assert.That(Directory.EnumerateFiles(MappingReader.Folder(_root), "*.json").Count(), Is.EqualTo(_run.Results.Count), "one file per scenario");
            Assert.That(_mappings.Select(m => m.Sequence), Is.Unique.And.All.Not.Null);
        });
    }

    [Test]
    public void RepeatedRequestsOnAUrl_AreOrderedByAScenarioPerUrl()
    {
        var byUrl = _mappings.GroupBy(m => m.Url).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(byUrl.Where(g => g.Count() == 1), Has.All.Matches<IGrouping<string, StubMapping>>(g => g.Single().Scenario is null));
            foreach (var url in byUrl.Where(g => g.Count() > 1))
            {
                var ordered = url.OrderBy(m => m.Sequence).ToList();
                Assert.That(ordered.Select(m => m.Scenario), Has.All.EqualTo(url.Key), url.Key);
                Assert.That(ordered.Select(m => m.RequiredState), Is.EqualTo(Enumerable.Range(1, ordered.Count).Select(MappingWriter.State)), url.Key);
                Assert.That(ordered.Select(m => m.NewState), Is.EqualTo(Enumerable.Range(2, ordered.Count - 1).Select(MappingWriter.State).Append(MappingWriter.State(ordered.Count))), url.Key);
            }
        });
    }

    [Test]
    public async Task ReplayedInOrder_MpsdStub_AnswersTheRecordedStatusesAndBodies()
    {
        await using var stub = await StubUnderTest.StartAsync("--mappings", _root);
        var answers = await Replay.RunAsync(stub.BaseUrl, _mappings);
        var wrong = answers.Where(a => !a.AsRecorded).ToList();
        var exit = await stub.StopAsync();
        Assert.Multiple(() =>
        {
            Assert.That(answers, Has.Count.EqualTo(_mappings.Count));
            Assert.That(wrong, Is.Empty, $"{wrong.Count} of {answers.Count} answers differ from the recording; the first: {string.Join("\n", wrong.Take(5))}");
            Assert.That(exit, Is.Zero, "Ctrl-C stops it cleanly");
            Assert.That(stub.Output.ToString(), Does.Contain($"serving {_mappings.Count} mappings"));
        });
    }

    [Test]
    public async Task ReplayedInOrder_JavaWireMock_LoadingTheSameFiles_AnswersTheSame()
    {
        await using var java = await JavaWireMock.StartAsync(_root);
        var answers = await Replay.RunAsync(java.BaseUrl, _mappings);
        var wrong = answers.Where(a => !a.AsRecorded).ToList();
        Assert.That(wrong, Is.Empty, $"{wrong.Count} of {answers.Count} answers of the Java WireMock differ from the recording; the first: {string.Join("\n", wrong.Take(5))}\n{java.Output}");
    }

    [Test]
    public void ShippedMappings_AreWhatRecordingTheReferenceGivesToday()
    {
        // The shipped set and this run's must hold the same files (one per scenario), and the same mappings in each
        // once what a run makes up anew is set aside (Comparable); where requests on one URL were in flight together,
        // with every number masked too (which of 8 conditional writers wins is the run's luck). A scenario that did
        // not pass in this run (a timer scenario on a machine too loaded to keep its times is inconclusive) cannot
        // be compared, and is named.
        var shippedRoot = Path.Combine(Repo.Root, Locations.StubFolder);
        var regenerate = $"regenerate them: ./mpsd certify --record-mappings {Locations.StubFolder}";
        Assert.That(Directory.Exists(Path.Combine(shippedRoot, MappingWriter.MappingsFolder)), Is.True, $"no shipped mappings; {regenerate}");
        var (shipped, fresh) = (Comparable.Of(shippedRoot), Comparable.Of(_root));
        var (shippedMasked, freshMasked) = (Comparable.Of(shippedRoot, maskNumbers: true), Comparable.Of(_root, maskNumbers: true));
        var concurrent = Comparable.WithConcurrentRequests(_root);
        concurrent.UnionWith(Comparable.WithConcurrentRequests(shippedRoot));
        var passed = _run.Results.Where(r => r.Outcome == Outcome.Passed).Select(r => MappingWriter.FileName(r.FullName)).ToHashSet(StringComparer.Ordinal);
        bool Same(string file) =>
            shipped.TryGetValue(file, out var mine) && (mine.SequenceEqual(fresh[file]) || (concurrent.Contains(file) && shippedMasked[file].SequenceEqual(freshMasked[file])));
        var stale = fresh.Keys.Where(passed.Contains).Where(file => !Same(file)).Order().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(shipped.Keys.Order(), Is.EqualTo(fresh.Keys.Order()), $"the shipped mapping files are not one per scenario of today's suite; {regenerate}");
            Assert.That(stale, Is.Empty, $"the shipped mappings of these scenarios differ from a recording of today's reference; {regenerate}");
            Assert.That(passed, Has.Count.GreaterThan(fresh.Count * 9 / 10), "most of the scenarios compared");
            Assert.That(concurrent, Has.Count.LessThan(10), "few scenarios send requests on one URL at once");
        });
        TestContext.Out.WriteLine($"compared {fresh.Keys.Count(passed.Contains)} files, {concurrent.Count} with requests in flight together: {string.Join(", ", concurrent.Order())}");
        foreach (var skipped in fresh.Keys.Where(f => !passed.Contains(f)))
        {
            TestContext.Out.WriteLine($"not compared (its scenario did not pass in this run): {skipped}");
        }
    }
}
