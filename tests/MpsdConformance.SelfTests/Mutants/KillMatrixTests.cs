using System.Diagnostics;
using MpsdConformance.Cli;
using MpsdConformance.Contract;
using MpsdConformance.Reference;
using MpsdConformance.Reporting;

namespace MpsdConformance.SelfTests.Mutants;

/// <summary>
/// The suite proven both ways: 'mpsd selftest mutants' certifies the control and every mutant of the reference server
/// (its lanes are child processes, so this process hosts no run), and each mutant must be killed through its own
/// requirement with no other MUST failing. One test case per mutant, so a survivor is reported by name.
/// </summary>
[Parallelizable(ParallelScope.Self)]
public class KillMatrixTests
{
    private static string _work = "";
    private static KillMatrix? _matrix;
    private static string _console = "";

    [OneTimeSetUp]
    public async Task RunTheMatrix()
    {
        _work = Path.Combine(Path.GetTempPath(), "mpsd-kill-matrix-" + Guid.NewGuid().ToString("N")[..8]);
        Environment.SetEnvironmentVariable("MPSD_REPO_ROOT", Repo.Root);
        var output = new StringWriter();
        var error = new StringWriter();
        var clock = Stopwatch.StartNew();
        var code = await CommandLine.RunAsync(["selftest", "mutants", "--out", _work], Stream.Null, output, error);
        _console = output.ToString() + error;
        var path = Path.Combine(_work, KillMatrix.FileName);
        Assert.That(File.Exists(path), Is.True, $"selftest mutants wrote no kill matrix (exit {code}):\n{_console}");
        _matrix = KillMatrix.Read(path);
        var summary = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"kill matrix: {_matrix.Mutants.Count} mutants, {_matrix.Killed} killed, {_matrix.Survived} survived, {_matrix.WithCollateralMust} with collateral MUST failures "
            + $"(kill score {_matrix.KillScore * 100:F0}%), control {(_matrix.Control is { } c ? Words.Of(c.Level) : "not run")}; "
            + $"{_matrix.Mutants.Count + 1} certifications in {_matrix.Lanes} lanes, {clock.Elapsed.TotalSeconds:F0} s");
        TestContext.Progress.WriteLine(summary);
        // ./test.sh prints the file after the run (dotnet test hides progress lines at its default verbosity).
        if (Environment.GetEnvironmentVariable(Readings.ReadingsMatrixTests.SummaryVariable) is { Length: > 0 } file)
        {
            File.AppendAllText(file, summary + Environment.NewLine);
        }
    }

    [OneTimeTearDown]
    public void RemoveTheWork()
    {
        if (Directory.Exists(_work))
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    private static KillMatrix Matrix => _matrix ?? throw new InvalidOperationException("the matrix did not run");

    public static IEnumerable<TestCaseData> EveryMutant() =>
        Faults.Catalogue.Select(f => new TestCaseData(f.Name).SetName($"Mutant_IsKilledThroughItsOwnRequirement({f.Name} → {f.Requirement})"));

    [TestCaseSource(nameof(EveryMutant))]
    public void Mutant_IsKilledThroughItsOwnRequirement(string name)
    {
        var result = Matrix.Mutants.SingleOrDefault(m => m.Name == name);
        Assert.That(result, Is.Not.Null, $"{name} is missing from the matrix:\n{_console}");
        var must = result!.Collateral.Where(c => c.Level == "MUST" && c.Verdict == Verdict.Fail).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome, Is.EqualTo(MutantOutcome.Killed),
                $"{name} ({result.Description}) {(result.Error is { } error ? "could not be certified: " + error : $"survived: {result.Requirement} did not fail through a scenario that names it")}");
            Assert.That(result.KilledBy, Is.Not.Empty);
            Assert.That(must.Select(c => $"{c.Requirement} failed ({string.Join(", ", c.Scenarios)}; findings in {c.FindingScenarios} scenarios)"), Is.Empty,
                $"{name} breaks {result.Requirement} only, yet other MUSTs failed");
        });
    }

    [Test]
    public void Control_TheUnmutatedReferenceServer_IsFullyConformant() =>
        Assert.That(Matrix.Control?.Level, Is.EqualTo(ConformanceLevel.FullyConformant), string.Join(", ", Matrix.Control?.Broken.Select(b => b.Requirement) ?? []));

    [Test]
    public void Matrix_CoversTheCatalogue_AndNamesTheRequirementsWithoutAMutant()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Matrix.Mutants.Select(m => m.Name), Is.EqualTo(Faults.Catalogue.Select(f => f.Name)));
            Assert.That(Matrix.Unmutated.Select(u => u.Requirement), Is.EqualTo(Faults.Unmutated.Select(u => u.Requirement)));
            Assert.That(Matrix.LedgerSha256, Is.EqualTo(RunReport.HashOf(Path.Combine(Repo.Schemas, "requirements.json"))));
        });
    }

    [Test]
    public async Task KillMatrixJson_IsValidAgainstItsSchema()
    {
        var schema = SchemaFile.Load(Path.Combine(Repo.Schemas, "kill-matrix.schema.json"));
        var errors = schema.Validate(await File.ReadAllTextAsync(Path.Combine(_work, KillMatrix.FileName)));
        Assert.That(errors.Select(e => e.ToString()), Is.Empty);
    }

    [Test]
    public void CommittedKillMatrix_IsThisBuildsMatrix()
    {
        var path = Path.Combine(Repo.Schemas, KillMatrix.FileName);
        const string regenerate = "regenerate it with './mpsd selftest mutants --out schemas' and commit it";
        Assert.That(File.Exists(path), Is.True, $"schemas/{KillMatrix.FileName} is missing: {regenerate}");
        var committed = KillMatrix.Read(path);
        Assert.Multiple(() =>
        {
            Assert.That(committed.LedgerSha256, Is.EqualTo(Matrix.LedgerSha256), $"the committed matrix was made for another ledger: {regenerate}");
            Assert.That(Judgements(committed), Is.EqualTo(Judgements(Matrix)), $"the committed matrix differs from this build's: {regenerate}");
            Assert.That(committed.Control?.Level, Is.EqualTo(Matrix.Control?.Level));
            Assert.That(committed.Unmutated, Is.EqualTo(Matrix.Unmutated));
        });
    }

    /// <summary>What a matrix says about each mutant, without its times.</summary>
    private static List<string> Judgements(KillMatrix matrix) =>
        matrix.Mutants.Select(m => $"{m.Name} → {m.Requirement} ({m.Level}): {m.Description}; {m.Outcome} by [{string.Join(", ", m.KilledBy)}]; "
            + $"collateral [{string.Join(", ", m.Collateral.Select(c => $"{c.Requirement} {Words.Of(c.Verdict)}"))}]").ToList();
}
