namespace MpsdConformance.Contract;

/// <summary>Where the contract's data files live.</summary>
public static class ContractFiles
{
    /// <summary>Environment variable that points at another <c>schemas/</c> folder.</summary>
    public const string SchemasDirVariable = "MPSD_SCHEMAS_DIR";

    /// <summary>Environment variable that points at another <c>fixtures/</c> folder.</summary>
    public const string FixturesDirVariable = "MPSD_FIXTURES_DIR";

    /// <summary>The ledger's file name inside the schemas folder.</summary>
    public const string LedgerFileName = "requirements.json";

    /// <summary>
    /// The schemas folder: <c>$MPSD_SCHEMAS_DIR</c> when set, else the copy shipped next to the assembly.
    /// </summary>
    public static string DefaultSchemasDirectory()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(SchemasDirVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment;
        }
        return Path.Combine(AppContext.BaseDirectory, "schemas");
    }

    /// <summary>
    /// The fixtures folder: <c>$MPSD_FIXTURES_DIR</c> when set; else <c>fixtures/</c> beside the assembly (the
    /// installed tool ships it there); else the clone's <c>fixtures/</c>, found by walking up from the assembly to
    /// the folder that holds MpsdConformance.sln; null when there is none.
    /// </summary>
    public static string? DefaultFixturesDirectory()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(FixturesDirVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment;
        }
        var beside = Path.Combine(AppContext.BaseDirectory, "fixtures");
        if (Directory.Exists(beside))
        {
            return beside;
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MpsdConformance.sln")))
            {
                return Path.Combine(dir.FullName, "fixtures");
            }
        }
        return null;
    }
}
