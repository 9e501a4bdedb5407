using System.Diagnostics;
using System.Reflection;
using MpsdConformance.Contract;
using MpsdConformance.Results;

namespace MpsdConformance.Cli;

/// <summary>
/// Where the command line finds what it needs, in a clone (<c>./mpsd</c>) or installed as a .NET tool (the tool's
/// folder holds the assembly with <c>schemas/</c> and <c>fixtures/</c> beside it). Every verb asks here.
/// </summary>
/// <param name="RepoRoot">The clone's root (the folder holding MpsdConformance.sln), or null when installed.</param>
internal sealed record Locations(string? RepoRoot)
{
    /// <summary>Environment variable naming the clone to use.</summary>
    public const string RepoRootVariable = "MPSD_REPO_ROOT";

    private const string SolutionFile = "MpsdConformance.sln";

    /// <summary>
    /// The clone: the first folder holding MpsdConformance.sln, walking up from <c>$MPSD_REPO_ROOT</c>, then the
    /// assembly's folder, then the current directory; no root when none holds it.
    /// </summary>
    public static Locations Find()
    {
        foreach (var start in new[] { Environment.GetEnvironmentVariable(RepoRootVariable), AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
                {
                    return new Locations(dir.FullName);
                }
            }
        }
        return new Locations(RepoRoot: null);
    }

    /// <summary>True when running from a clone.</summary>
    public bool IsClone => RepoRoot is not null;

    /// <summary>How a user runs this command here: <c>./mpsd</c> in a clone, <c>mpsd</c> when installed.</summary>
    public string Invocation => IsClone ? "./mpsd" : "mpsd";

    /// <summary>The schemas and the ledger: the copy shipped beside the assembly (in a clone, the build's copy of <c>schemas/</c>).</summary>
    public static string Schemas => ContractFiles.DefaultSchemasDirectory();

    /// <summary>The ledger file, whose hash the reports carry.</summary>
    public static string LedgerFile => Path.Combine(Schemas, ContractFiles.LedgerFileName);

    /// <summary>The kill matrix this build ships beside its schemas (<c>schemas/kill-matrix.json</c> in the clone).</summary>
    public static string KillMatrixFile => Path.Combine(Schemas, KillMatrix.FileName);

    /// <summary>Where runs go by default: <c>&lt;clone&gt;/reports</c>, else <c>./reports</c>.</summary>
    public string Reports => Path.Combine(RepoRoot ?? Environment.CurrentDirectory, "reports");

    /// <summary>The project's fixtures: <c>&lt;clone&gt;/fixtures</c>, else <c>fixtures/</c> beside the assembly; null when neither exists.</summary>
    public string? Fixtures => FixturesCandidates.FirstOrDefault(Directory.Exists);

    /// <summary>Where <see cref="Fixtures"/> looks, in order.</summary>
    public IEnumerable<string> FixturesCandidates =>
        RepoRoot is null ? [Path.Combine(AppContext.BaseDirectory, "fixtures")] : [Path.Combine(RepoRoot, "fixtures"), Path.Combine(AppContext.BaseDirectory, "fixtures")];

    /// <summary>
    /// The WireMock mappings recorded from the reference server that <c>mpsd stub</c> serves by default (a folder
    /// holding <c>mappings/</c>): <c>&lt;clone&gt;/stub</c>, else <c>stub/</c> beside the assembly; null when neither exists.
    /// </summary>
    public string? StubMappings => StubMappingsCandidates.FirstOrDefault(dir => Directory.Exists(Path.Combine(dir, MappingWriter.MappingsFolder)));

    /// <summary>Where <see cref="StubMappings"/> looks, in order.</summary>
    public IEnumerable<string> StubMappingsCandidates =>
        RepoRoot is null ? [Path.Combine(AppContext.BaseDirectory, StubFolder)] : [Path.Combine(RepoRoot, StubFolder), Path.Combine(AppContext.BaseDirectory, StubFolder)];

    /// <summary>The folder of the shipped mappings, in the clone and beside the tool.</summary>
    public const string StubFolder = "stub";

    /// <summary>The tool's version (major.minor.patch).</summary>
    public static string ToolVersion => typeof(Locations).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>
    /// The commit the reports name: from git in a clone, else the source revision in the assembly's informational
    /// version (or that version itself), else "unknown".
    /// </summary>
    public string Commit()
    {
        if (RepoRoot is not null)
        {
            return GitCommit(RepoRoot);
        }
        var informational = typeof(Locations).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrWhiteSpace(informational))
        {
            return "unknown";
        }
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        // The SDK appends the full commit SHA; reports show the short form git shows in a clone.
        return plus >= 0 && plus < informational.Length - 1 ? informational[(plus + 1)..][..Math.Min(7, informational.Length - plus - 1)] : informational;
    }

    private static string GitCommit(string root)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", ["-C", root, "rev-parse", "--short", "HEAD"]) { RedirectStandardOutput = true, RedirectStandardError = true });
            var commit = git?.StandardOutput.ReadToEnd().Trim();
            git?.WaitForExit(5000);
            return string.IsNullOrEmpty(commit) ? "unknown" : commit;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
