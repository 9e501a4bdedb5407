using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NUnit.Framework.Constraints;

namespace MpsdConformance.Harness;

/// <summary>
/// Constraints on JSON values for <see cref="Expect.Field(MpsdResponse, string, IResolveConstraint, string)"/>,
/// which hands a constraint a string, number, bool, null, or the node of an object or array.
/// </summary>
public static class Json
{
    /// <summary>The value equals this JSON text (<see cref="JsonNode.DeepEquals"/>: key order does not count).</summary>
    public static Constraint EqualTo(string json) => new JsonEqualConstraint(JsonNode.Parse(json));

    /// <summary>The value equals this JSON node (a copy is kept; null means JSON null).</summary>
    public static Constraint EqualTo(JsonNode? expected) => new JsonEqualConstraint(expected?.DeepClone());

    /// <summary>The value is a JSON string, number or boolean (neither null nor an object or array).</summary>
    public static Constraint Scalar => new ScalarConstraint();

    // The node of a value a constraint was given (see JsonNodes.Natural), parsed afresh like the expected one.
    private static JsonNode? NodeOf(object? actual) =>
        JsonNode.Parse(actual is JsonNode node ? node.ToJsonString() : JsonSerializer.Serialize(actual));

    private sealed class JsonEqualConstraint(JsonNode? expected) : Constraint(expected)
    {
        private readonly JsonNode? _expected = expected is null ? null : JsonNode.Parse(expected.ToJsonString());

        public override string Description => JsonNodes.Show(_expected);

        public override ConstraintResult ApplyTo<TActual>(TActual actual) =>
            new(this, actual, JsonNode.DeepEquals(NodeOf(actual), _expected));
    }

    private sealed class ScalarConstraint : Constraint
    {
        public override string Description => "a JSON string, number or boolean";

        public override ConstraintResult ApplyTo<TActual>(TActual actual) =>
            new(this, actual, actual is string or long or double or bool);
    }
}

/// <summary>
/// The member entries of a session's <c>members</c> object: numbered keys (not <c>me</c> or
/// <c>reserve_&lt;n&gt;</c>), each naming its user in <c>constants.system.xuid</c>.
/// </summary>
public static class Roster
{
    /// <summary>The numbered entries of a <c>members</c> object, with their index, in document order.</summary>
    public static IEnumerable<(int Index, JsonObject Member)> Entries(JsonNode? members) => Keyed(members).Select(m => (m.Index, m.Member));

    /// <summary>
    /// The first entry of <paramref name="xuid"/> in a <c>members</c> object, or null. The xuid is matched by its value
    /// however it is written (a decimal string, a JSON number, an exponent), and the key may carry leading zeros: their
    /// form is RESP-XUID-STRING's and RESP-MEMBERS-KEYS's to judge.
    /// </summary>
    public static (int Index, JsonObject Member)? Find(JsonNode? members, string? xuid) =>
        Keyed(members)
            .Where(m => XuidOf(m.Member) == xuid)
            .Select(m => ((int, JsonObject)?)(m.Index, m.Member))
            .FirstOrDefault();

    /// <summary>
    /// A member entry's <c>constants.system.xuid</c> as decimal text, whether the target wrote it as a string
    /// or, as RESP-XUID-STRING's "number" reading does, as a JSON number; null when there is none.
    /// </summary>
    public static string? XuidOf(JsonObject member)
    {
        if (member["constants"]?["system"]?["xuid"] is not JsonValue value)
        {
            return null;
        }
        var text = value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.Number => value.ToJsonString(),
            _ => null,
        };
        // Matched by value, so a target that writes a xuid in another form (RESP-XUID-STRING judges the form) still
        // shows its members to every other scenario.
        return text is not null && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number == decimal.Truncate(number) && number >= 0
            ? number.ToString("0", CultureInfo.InvariantCulture)
            : text;
    }

    /// <summary>
    /// The JSON Pointer of the entry of <paramref name="xuid"/> in a session (<c>/members/{key}</c>); when
    /// there is none, a pointer that resolves to nothing and says so, so that a check below it fails legibly.
    /// </summary>
    public static string Pointer(JsonObject? session, string? xuid) =>
        Keyed(session?["members"]).FirstOrDefault(m => XuidOf(m.Member) == xuid).Key is { } key
            ? "/members/" + key
            : $"/members/(no member with xuid {xuid})";

    /// <summary>The entry of member index <paramref name="index"/> (its key may carry leading zeros: RESP-MEMBERS-KEYS judges the key's form), or null.</summary>
    public static JsonObject? At(JsonNode? members, int index) => Keyed(members).FirstOrDefault(m => m.Index == index).Member;

    private static IEnumerable<(string Key, int Index, JsonObject Member)> Keyed(JsonNode? members) =>
        (members as JsonObject ?? [])
            .Where(m => m.Value is JsonObject && int.TryParse(m.Key, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            .Select(m => (m.Key, int.Parse(m.Key, NumberStyles.Integer, CultureInfo.InvariantCulture), (JsonObject)m.Value!));

    /// <summary>Applied to <c>/members</c>: some numbered entry is the user <paramref name="xuid"/>.</summary>
    public static Constraint Includes(string? xuid) => new RosterConstraint(xuid, expected: true);

    /// <summary>Applied to <c>/members</c>: no numbered entry is the user <paramref name="xuid"/> (nothing there counts as none).</summary>
    public static Constraint Excludes(string? xuid) => new RosterConstraint(xuid, expected: false);

    private sealed class RosterConstraint(string? xuid, bool expected) : Constraint(xuid, expected)
    {
        public override string Description => $"{(expected ? "a" : "no")} member entry with xuid \"{xuid}\"";

        public override ConstraintResult ApplyTo<TActual>(TActual actual) =>
            new(this, actual, (Find(actual as JsonNode, xuid) is not null) == expected);
    }
}
