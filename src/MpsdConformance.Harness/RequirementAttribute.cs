namespace MpsdConformance.Harness;

/// <summary>Names the ledger requirements a test proves; feeds NUnit properties and the ledger coverage check.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = true)]
public sealed class RequirementAttribute : PropertyAttribute
{
    /// <summary>The NUnit property name the IDs are stored under.</summary>
    public const string PropertyName = "Requirement";

    public RequirementAttribute(params string[] ids)
    {
        Ids = ids;
        foreach (var id in ids)
        {
            Properties.Add(PropertyName, id);
        }
    }

    /// <summary>The ledger IDs.</summary>
    public IReadOnlyList<string> Ids { get; }
}
