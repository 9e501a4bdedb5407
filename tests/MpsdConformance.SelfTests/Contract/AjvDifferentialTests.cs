using System.Diagnostics;
using System.Text.Json;
using MpsdConformance.Contract;

namespace MpsdConformance.SelfTests.Contract;

/// <summary>
/// A second, independent validator (ajv's 2020-12 build, strict mode) must reach the same verdict as ours on
/// every fixture: a disagreement means one of the two is not enforcing what the schema says.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class AjvDifferentialTests
{
    private static readonly Lazy<FixtureCatalog> Catalog = new(() => FixtureCatalog.Load(Repo.Fixtures));
    private static readonly Lazy<Dictionary<string, AjvVerdict>> Verdicts = new(RunAjv);

    public static IEnumerable<TestCaseData> Fixtures() =>
        Catalog.Value.Cases.Select(c => new TestCaseData(c).SetName($"Ajv_{c.RelativePath}"));

    [TestCaseSource(nameof(Fixtures))]
    public void Ajv_AgreesWithOurValidator(FixtureCase fixture)
    {
        var ours = ContractValidator.Shared(Repo.Schemas).ValidateFile(fixture.Kind, fixture.FullPath);
        var theirs = Verdicts.Value[fixture.FullPath];
        Assert.That(theirs.Valid ?? false, Is.EqualTo(ours.IsValid),
            $"ajv says {(theirs.Valid is null ? theirs.Error : theirs.Valid.Value ? "valid" : "invalid at " + string.Join(", ", theirs.Pointers))}; " +
            $"we say {(ours.IsValid ? "valid" : ours.Problem ?? string.Join("; ", ours.Violations))}");
    }

    [Test]
    public void Ajv_ReportsTheExpectedPointerForEveryInvalidFixture()
    {
        var misses = Catalog.Value.Cases
            .Where(c => !c.ExpectValid && c.Pointer is not null && c.Problem is null)
            .Where(c => !Verdicts.Value[c.FullPath].Pointers.Any(p => p == c.Pointer || c.Pointer!.StartsWith(p + "/", StringComparison.Ordinal) || p.Length == 0))
            .Select(c => $"{c.RelativePath}: expected {c.Pointer}, ajv {string.Join(", ", Verdicts.Value[c.FullPath].Pointers)}");
        Assert.That(misses, Is.Empty);
    }

    private static Dictionary<string, AjvVerdict> RunAjv()
    {
        var script = Path.Combine(Repo.Root, "tools", "ajv-verdicts.mjs");
        if (!Directory.Exists(Path.Combine(Repo.Root, "node_modules", "ajv")))
        {
            Assert.Fail("ajv is not installed: run 'npm ci' at the repository root (the README's test command does it)");
        }
        var cases = Catalog.Value.Cases.Select(c => new { kind = c.Kind.Name(), path = c.FullPath });
        var start = new ProcessStartInfo("node", [script, Repo.Schemas])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Repo.Root,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        process.StandardInput.Write(JsonSerializer.Serialize(cases));
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("ajv did not finish within 60 s");
        }
        Assert.That(process.ExitCode, Is.Zero, $"ajv failed: {stderr.Result}");
        var verdicts = JsonSerializer.Deserialize<List<AjvVerdict>>(stdout, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
        return verdicts.ToDictionary(v => v.Path, StringComparer.Ordinal);
    }

    private sealed record AjvVerdict(string Kind, string Path, bool? Valid, List<string> Pointers, string? Error);
}
