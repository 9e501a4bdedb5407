using System.Text.Json;
using System.Text.Json.Nodes;

namespace MpsdConformance.Contract;

/// <summary>A way a conformant target may accept a body that breaks a rule, and the readings that allow it.</summary>
/// <param name="Effect"><c>removed</c>, <c>dropped</c>, <c>dropped-or-kept</c> or <c>stored</c>: what the stored session shows afterwards.</param>
/// <param name="Location">The body location (JSON Pointer) the effect is seen at.</param>
/// <param name="Readings">The readings behind it, <c>REQUIREMENT=reading</c>, one or a combination on the same field.</param>
public sealed record AcceptedOutcome(string Effect, string Location, IReadOnlyList<string> Readings)
{
    /// <summary><c>effect at location (readings)</c>.</summary>
    public override string ToString() => $"accepted, {Effect} at {Location} ({string.Join(" + ", Readings)})";
}

/// <summary>What a conformant target may do with one body that breaks a documented rule.</summary>
/// <param name="MayRefuse">True unless every reading of the rule accepts the body.</param>
/// <param name="Accepted">The ways it may accept the body instead, each with its readings.</param>
public sealed record BodyOutcomes(bool MayRefuse, IReadOnlyList<AcceptedOutcome> Accepted)
{
    /// <summary>Refused under every reading.</summary>
    public static readonly BodyOutcomes RefusedOnly = new(true, []);

    /// <summary>
    /// Derives the outcomes from the ledger's readings for a body of <paramref name="kind"/> that breaks a rule at
    /// <paramref name="pointer"/>: a reading that accepts such a value there, or a reading that does not know the
    /// key there combined with a reading that ignores unknown keys there.
    /// </summary>
    public static BodyOutcomes Derive(RequirementLedger ledger, IPayloadValidator validator, SchemaKind kind, string body, string pointer, string? requirement)
    {
        var classes = Classify(validator, kind, body, pointer);
        var accepted = new List<AcceptedOutcome>();
        var ambiguous = ledger.Requirements.Where(r => r.Ambiguity is not null).ToList();
        foreach (var owner in ambiguous)
        {
            foreach (var reading in owner.Ambiguity!.Readings)
            {
                if (reading.Accepts is { } accepts && classes.Contains(accepts.Values)
                    && Match(accepts.Paths, pointer, prefix: accepts.Values == "unknown-key") is { } location)
                {
                    accepted.Add(new AcceptedOutcome(accepts.Effect, location, [$"{owner.Id}={reading.Id}"]));
                }
                if (reading.UnknownKeys is { } unknown && Match(unknown, pointer, prefix: true) is { } key)
                {
                    // Under this reading the key is unknown: whatever an unknown-key reading does there applies.
                    foreach (var other in ambiguous.Where(o => o.Id != owner.Id))
                    {
                        foreach (var ignoring in other.Ambiguity!.Readings.Where(x => x.Accepts is { Values: "unknown-key" }))
                        {
                            if (Match(ignoring.Accepts!.Paths, key, prefix: false) is not null)
                            {
                                accepted.Add(new AcceptedOutcome(ignoring.Accepts.Effect, key, [$"{owner.Id}={reading.Id}", $"{other.Id}={ignoring.Id}"]));
                            }
                        }
                    }
                }
            }
        }
        var own = requirement is null ? null : ledger.Find(requirement)?.Ambiguity;
        var mayRefuse = own is null || own.Readings.Any(r => !accepted.Any(a => a.Readings.Contains($"{requirement}={r.Id}")));
        return new BodyOutcomes(mayRefuse, accepted.DistinctBy(a => a.ToString()).OrderBy(a => a.ToString(), StringComparer.Ordinal).ToList());
    }

    /// <summary>
    /// What the offending value at <paramref name="pointer"/> is: <c>null</c>, <c>non-string</c> (any value but a
    /// string) and <c>unknown-key</c> (the key is not documented there).
    /// </summary>
    public static IReadOnlySet<string> Classify(IPayloadValidator validator, SchemaKind kind, string body, string pointer)
    {
        var classes = new HashSet<string>(StringComparer.Ordinal);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return classes;
        }
        if (JsonPointers.TryResolve(root, pointer, out var value))
        {
            if (value is null)
            {
                classes.Add("null");
            }
            if (value is null || value.GetValueKind() != JsonValueKind.String)
            {
                classes.Add("non-string");
            }
        }
        if (validator.Validate(kind, body).Violations.Any(v => v.Pointer == pointer && v.IsUnknownKey))
        {
            classes.Add("unknown-key");
        }
        return classes;
    }

    /// <summary>The part of <paramref name="pointer"/> a glob matches (all of it, or with <paramref name="prefix"/> a leading part), or null.</summary>
    public static string? Match(IEnumerable<string> globs, string pointer, bool prefix)
    {
        var segments = pointer.Split('/');
        foreach (var glob in globs)
        {
            var parts = glob.Split('/');
            if (parts.Length > segments.Length || (!prefix && parts.Length != segments.Length))
            {
                continue;
            }
            if (parts.Select((p, i) => p == "*" || p == segments[i]).All(m => m))
            {
                return string.Join('/', segments[..parts.Length]);
            }
        }
        return null;
    }
}
