using System.Diagnostics;
using System.Globalization;
using MpsdConformance.Contract;
using MpsdConformance.Hosting;
using MpsdConformance.Reference;

namespace MpsdConformance.SelfTests.Readings;

/// <summary>
/// The readings matrix: the suite certifies the reference server under each non-reference reading of each
/// ambiguity, one flipped at a time, and under <c>alt</c> (every switch flipped at once). A conformant server
/// that chose another documented reading must come out fully conformant (no fail, no warn, no failed scenario)
/// with the flipped reading recorded as the one it chose. The runs are sequential: one hosted run per process.
/// </summary>
[Parallelizable(ParallelScope.None)]
public class ReadingsMatrixTests
{
    private static readonly RequirementLedger Ledger = RequirementLedger.Load(Repo.Schemas);
    private static readonly Stopwatch Clock = new();
    private static int _runs;

    /// <summary>One case per non-reference reading of every switch.</summary>
    public static IEnumerable<TestCaseData> FlippedReadings() =>
        ReferenceReadings.Switches.SelectMany(s => s.Readings.Skip(1).Select(r =>
            new TestCaseData(s.Requirement, r.Id).SetName($"OneFlippedReading_IsConformant_AndRecorded({s.Requirement}={r.Id})")));

    /// <summary>Set by <c>./test.sh</c>: a file the matrix's size and time are written to, for it to print.</summary>
    public const string SummaryVariable = "MPSD_READINGS_MATRIX_SUMMARY";

    [OneTimeTearDown]
    public void PrintTheMatrix()
    {
        if (_runs == 0)
        {
            return;
        }
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"readings matrix: {_runs} certification runs ({ReferenceReadings.Switches.Count} switches), {Clock.Elapsed.TotalSeconds:F1} s in all");
        TestContext.Progress.WriteLine(summary);
        if (Environment.GetEnvironmentVariable(SummaryVariable) is { Length: > 0 } path)
        {
            File.AppendAllText(path, summary + Environment.NewLine);
        }
    }

    [Test]
    public async Task TheReferenceReadings_AreConformant_AndEveryOneIsRecorded()
    {
        var verdict = await Certify("reference", ReferenceReadings.Reference);
        AssertRecorded(verdict, ReferenceReadings.Reference);
    }

    [TestCaseSource(nameof(FlippedReadings))]
    public async Task OneFlippedReading_IsConformant_AndRecorded(string requirement, string reading)
    {
        var verdict = await Certify($"{requirement}={reading}", new Dictionary<string, string> { [requirement] = reading });
        AssertRecorded(verdict, new Dictionary<string, string> { [requirement] = reading });
    }

    [Test]
    public async Task EveryReadingFlippedAtOnce_Alt_IsConformant_AndEveryOneIsRecorded()
    {
        var alternative = ReferenceReadings.Alternative();
        var verdict = await Certify(ReferenceReadings.AlternativeName, alternative);
        AssertRecorded(verdict, alternative);
    }

    /// <summary>Starts the reference server under <paramref name="readings"/>, certifies it in-process, and asserts it is fully conformant.</summary>
    private static async Task<RunVerdict> Certify(string label, IReadOnlyDictionary<string, string> readings)
    {
        var started = Stopwatch.StartNew();
        Clock.Start();
        RunVerdict verdict;
        IReadOnlyList<ScenarioResult> results;
        try
        {
            await using var server = await ReferenceServer.StartAsync(new ReferenceOptions { SchemasDirectory = Repo.Schemas, Readings = readings });
            var run = await SuiteRunner.RunAsync(new SuiteRunOptions { Profile = TargetProfile.Parse(server.TargetProfileJson(), $"reading {label}", _ => null) });
            results = run.Results.Results;
            verdict = RunVerdict.Judge(Ledger, results);
        }
        finally
        {
            Clock.Stop();
            _runs++;
        }
        TestContext.Progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"readings matrix: {label}: {results.Count} scenarios, {started.Elapsed.TotalSeconds:F1} s"));
        var broken = verdict.Requirements.Where(r => r.Verdict is Verdict.Fail or Verdict.Warn)
            .Select(r => $"{r.Id} {Words.Of(r.Verdict)}: {string.Join(" | ", r.Problems)}");
        var failed = results.Where(r => r.Outcome.IsFailure()).Select(r => $"{r.Name}: {r.Message}");
        Assert.Multiple(() =>
        {
            Assert.That(broken, Is.Empty, $"under {label} the reference must be fully conformant");
            Assert.That(failed, Is.Empty, $"under {label} no scenario may fail");
            Assert.That(results, Has.Count.GreaterThan(90), "the whole suite ran");
        });
        return verdict;
    }

    private static void AssertRecorded(RunVerdict verdict, IReadOnlyDictionary<string, string> expected)
    {
        var missed = expected
            .Select(kv => (kv.Key, kv.Value, Seen: verdict.Requirements.Single(r => r.Id == kv.Key).Readings))
            .Where(x => !x.Seen.Contains(x.Value))
            .Select(x => $"{x.Key}: chose {x.Value}, recorded [{string.Join(", ", x.Seen)}]");
        Assert.That(missed, Is.Empty, "the suite records the reading the target chose");
    }
}
