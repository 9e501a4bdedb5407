using System.Diagnostics;
using System.Text.Json.Nodes;

namespace MpsdConformance.SelfTests.Tool;

/// <summary>
/// The installable tool: 'dotnet pack' makes a .NET tool package holding the command line, the suite, the
/// schemas, the ledger and the fixtures; installed from a package folder into a temporary folder with no clone
/// around it, it certifies the embedded reference server, exactly as a CI job in another repository would.
/// </summary>
[Parallelizable(ParallelScope.None)]
public class ToolPackageTests
{
    private static (int Exit, string Output) Run(string workingDirectory, string file, params string[] args) => RunWithCache(workingDirectory, null, file, args);

    private static (int Exit, string Output) RunWithCache(string workingDirectory, string? nugetPackages, string file, params string[] args)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        // Nothing may point the tool back at this clone.
        foreach (var variable in start.Environment.Keys.Where(k => k.StartsWith("MPSD_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(variable);
        }
        if (nugetPackages is not null)
        {
            start.Environment["NUGET_PACKAGES"] = nugetPackages; // a package cache of its own: no earlier build of the tool is reused
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', args)} did not end within 3 minutes");
        }
        return (process.ExitCode, output.Result + error.Result);
    }

    [Test]
    public void PackedTool_InstallsFromAPackageFolder_AndCertifiesTheEmbeddedReference_WithoutAClone()
    {
        var work = Directory.CreateTempSubdirectory("mpsd-tool-").FullName;
        try
        {
            // The tests' own build already built the command line in Release: pack that build.
            // A version of its own, so that nothing cached from another build of the tool stands in for this one.
            var version = "1.0.0-selftest." + Guid.NewGuid().ToString("N")[..12];
            var (packed, packOutput) = Run(Repo.Root, "dotnet", "pack", Path.Combine(Repo.Root, "src", "MpsdConformance.Cli"), "-c", "Release", "--no-build",
                "-o", Path.Combine(work, "packages"), "--nologo", "-p:PackageVersion=" + version);
            Assert.That(packed, Is.Zero, packOutput);
            var (installed, installOutput) = RunWithCache(work, Path.Combine(work, "nuget"), "dotnet", "tool", "install", "MpsdConformance", "--version", version,
                "--tool-path", Path.Combine(work, "tools"), "--add-source", Path.Combine(work, "packages"));
            Assert.That(installed, Is.Zero, installOutput);

            var (exit, output) = Run(work, Path.Combine(work, "tools", "mpsd"), "certify", "--out", "run");
            Assert.That(File.Exists(Path.Combine(work, "run", "verdicts.json")), Is.True, $"the installed tool wrote no verdicts (exit {exit}):\n{output}");
            var verdicts = JsonNode.Parse(File.ReadAllText(Path.Combine(work, "run", "verdicts.json")))!;
            Assert.Multiple(() =>
            {
                Assert.That(exit, Is.Zero, output);
                Assert.That(output, Does.Contain("level: fully conformant"));
                Assert.That((string?)verdicts["level"], Is.EqualTo("fully conformant"));
                Assert.That((int?)verdicts["counts"]!["pass"], Is.GreaterThan(80), "the suite ran from the package");
                Assert.That((int?)verdicts["counts"]!["fail"], Is.Zero);
                Assert.That((string?)verdicts["command"], Does.StartWith("mpsd certify"), "the installed tool's own command line reproduces the run");
                Assert.That(File.Exists(Path.Combine(work, "run", "compliance.html")), Is.True);
                Assert.That(Directory.EnumerateFiles(Path.Combine(work, "run", "allure-results")), Is.Not.Empty);
                Assert.That(Directory.EnumerateFiles(Path.Combine(work, "tools"), "*.json", SearchOption.AllDirectories)
                        .Count(f => f.Contains(Path.Combine("stub", "mappings") + Path.DirectorySeparatorChar, StringComparison.Ordinal)),
                    Is.EqualTo(Directory.EnumerateFiles(Path.Combine(Repo.Root, "stub", "mappings"), "*.json").Count()), "the tool ships the mappings 'mpsd stub' serves by default");
            });
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
