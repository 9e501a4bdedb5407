namespace MpsdConformance.Contract;

/// <summary>The body kinds the session API exchanges, one JSON Schema each.</summary>
public enum SchemaKind
{
    /// <summary>The body of <c>PUT .../sessions/{name}</c>.</summary>
    Request,

    /// <summary>The body of <c>PUT .../sessions/{name}/properties</c>.</summary>
    Properties,

    /// <summary>A MultiplayerSession document as MPSD returns it.</summary>
    Response,
}

/// <summary>Names of schema kinds as the command line and the schema files spell them.</summary>
public static class SchemaKinds
{
    /// <summary>Every kind, in a stable order.</summary>
    public static IReadOnlyList<SchemaKind> All { get; } = [SchemaKind.Request, SchemaKind.Properties, SchemaKind.Response];

    /// <summary>The lower-case name: <c>request</c>, <c>properties</c>, <c>response</c>.</summary>
    public static string Name(this SchemaKind kind) => kind switch
    {
        SchemaKind.Request => "request",
        SchemaKind.Properties => "properties",
        SchemaKind.Response => "response",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The schema file name, e.g. <c>request.schema.json</c>.</summary>
    public static string FileName(this SchemaKind kind) => kind.Name() + ".schema.json";

    /// <summary>Parses a kind name; false for anything else.</summary>
    public static bool TryParse(string? text, out SchemaKind kind)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Name(), text, StringComparison.Ordinal))
            {
                kind = candidate;
                return true;
            }
        }
        kind = default;
        return false;
    }
}
