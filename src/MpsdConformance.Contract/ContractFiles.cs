namespace MpsdConformance.Contract;

/// <summary>Where the contract's data files live.</summary>
public static class ContractFiles
{
    /// <summary>Environment variable that points at another <c>schemas/</c> folder.</summary>
    public const string SchemasDirVariable = "MPSD_SCHEMAS_DIR";

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
}
