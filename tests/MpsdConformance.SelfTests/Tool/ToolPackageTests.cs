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
    private static (int Exit, string Output) Run(string workingDirectory, string file, params string[] args)
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
        foreach (var variable in new[] { "MPSD_REPO_ROOT", "MPSD_SCHEMAS_DIR", "MPSD_FIXTURES_DIR", "MPSD_PROFILE" })
        {
            start.Environment.Remove(variable);
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
            var (packed, packOutput) = Run(Repo.Root, "dotnet", "pack", Path.Combine(Repo.Root, "src", "MpsdConformance.Cli"), "-c", "Release", "--no-build",
                "-o", Path.Combine(work, "packages"), "--nologo");
            Assert.That(packed, Is.Zero, packOutput);
            var (installed, installOutput) = Run(work, "dotnet", "tool", "install", "MpsdConformance", "--version", "1.0.0", "--tool-path", Path.Combine(work, "tools"),
                "--add-source", Path.Combine(work, "packages"));
            Assert.That(installed, Is.Zero, installOutput);

            var (exit, output) = Run(work, Path.Combine(work, "tools", "mpsd"), "certify", "--out", "run");
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
            });
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
