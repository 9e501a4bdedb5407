namespace MpsdConformance.Contract;

/// <summary>One way a payload breaks its schema.</summary>
/// <param name="Pointer">JSON Pointer (RFC 6901) of the offending place in the payload; "" is the whole document.</param>
/// <param name="SchemaLocation">Where the broken rule sits: the schema file and a JSON Pointer inside it.</param>
/// <param name="Requirements">Ledger IDs the broken schema node names, nearest first; empty when none applies.</param>
/// <param name="Kind">The JSON Schema keyword the value breaks, e.g. <c>pattern</c>, <c>type</c>, <c>required</c>,
/// <c>additionalProperties</c> (also for <c>unevaluatedProperties</c>), <c>propertyNames</c>, <c>not</c>.</param>
/// <param name="Message">A sentence a person can act on.</param>
public sealed record SchemaViolation(
    string Pointer,
    string SchemaLocation,
    IReadOnlyList<string> Requirements,
    string Kind,
    string Message)
{
    /// <summary>The <see cref="Kind"/> of a key the schema does not list where it stands (<c>additionalProperties</c> or
    /// <c>unevaluatedProperties</c> false).</summary>
    public const string UnknownKeyKind = "additionalProperties";

    /// <summary>The <see cref="Kind"/> of a key whose name breaks the schema's <c>propertyNames</c>.</summary>
    public const string PropertyNamesKind = "propertyNames";

    /// <summary>True when the violation is a key the schema does not allow there (unknown, or a name it refuses).</summary>
    public bool IsUnknownKey => Kind is UnknownKeyKind or PropertyNamesKind;

    /// <summary>The nearest ledger ID, or null.</summary>
    public string? Requirement => Requirements.Count > 0 ? Requirements[0] : null;

    /// <summary><c>/pointer: message [ID]</c>, the form the command line prints.</summary>
    public override string ToString() =>
        $"{(Pointer.Length == 0 ? "/" : Printable(Pointer))}: {Printable(Message)}{(Requirement is null ? "" : $" [{Requirement}]")}";

    /// <summary>Control characters (a key ending in a newline, say) shown escaped, so one violation stays one line.</summary>
    public static string Printable(string text) =>
        text.Any(char.IsControl)
            ? string.Concat(text.Select(c => char.IsControl(c) ? (c == '\n' ? "\\n" : $"\\u{(int)c:x4}") : c.ToString()))
            : text;
}

/// <summary>A field the payload has and the docs do not describe: informational, never a failure.</summary>
/// <param name="Pointer">JSON Pointer of the field.</param>
/// <param name="SchemaLocation">The schema node that lists the documented fields there.</param>
public sealed record UndocumentedField(string Pointer, string SchemaLocation);

/// <summary>The verdict on one payload.</summary>
/// <param name="Kind">The schema it was checked against.</param>
/// <param name="Problem">Why it could not be checked at all (not JSON, empty, binary, too large), or null.</param>
/// <param name="Violations">Schema violations, in document order.</param>
/// <param name="Undocumented">Undocumented fields found (filled only when asked for).</param>
public sealed record ValidationReport(
    SchemaKind Kind,
    string? Problem,
    IReadOnlyList<SchemaViolation> Violations,
    IReadOnlyList<UndocumentedField> Undocumented)
{
    /// <summary>True when the payload is JSON and breaks no rule of its schema.</summary>
    public bool IsValid => Problem is null && Violations.Count == 0;
}
