namespace MpsdConformance.SelfTests;

/// <summary>Paths of the repository the tests run from.</summary>
internal static class Repo
{
    private static readonly Lazy<string> LazyRoot = new(() =>
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MpsdConformance.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("MpsdConformance.sln not found above the test directory");
    });

    public static string Root => LazyRoot.Value;

    public static string Schemas => Path.Combine(Root, "schemas");

    public static string Fixtures => Path.Combine(Root, "fixtures");

    /// <summary>The shared corpus beside the clone (CI puts shared/ next to the repository).</summary>
    public static string Corpus => Path.GetFullPath(Path.Combine(Root, "..", "shared", "corpus", "xsapi"));
}
