using System.Text.Json.Nodes;

namespace MpsdConformance.Reference;

/// <summary>
/// What large sessions (<c>constants.system.capabilities.large</c>) refuse: any member entry of a write but the
/// caller's own and deletion by index (409 Conflict), and the fields the docs do not support there (the status of
/// LARGE-ME-ONLY's reading). What a large session shows is <see cref="SessionJson"/>'s.
/// </summary>
internal static class LargeSessions
{
    // The fields a large session does not support, by JSON Pointer into a session-shaped body; joinRestriction
    // is allowed as none (a null joinRestriction is PROPS-RESTRICTION-VALUES's to judge).
    private static readonly (string Section, string Key)[] RefusedFields =
    [
        ("/properties/system", "turn"),
        ("/properties/system", "host"),
        ("/properties/system", "joinRestriction"),
        ("/members/me/properties/system", "initializationGroup"),
        ("/members/me/properties/system", "group"),
        ("/members/me/properties/system", "subscriptions"),
        ("/members/me/properties/system", "subscription"),
        ("/constants/system", "memberInitialization"),
        ("/constants/system", "managedInitialization"),
        ("/constants/system", "measurementServerAddresses"),
    ];

    /// <summary>
    /// Refuses a write to a large session (<paramref name="next"/>: the session as the write's constants leave it)
    /// that names a member entry other than <c>me</c> (409), or sets a field large sessions do not support.
    /// </summary>
    internal static void CheckWrite(Session next, JsonObject body)
    {
        if (!next.IsLarge)
        {
            return;
        }
        foreach (var (key, _) in body["members"] as JsonObject ?? [])
        {
            var reservation = key.StartsWith("reserve_", StringComparison.Ordinal);
            if (key == "me" || (reservation && Faults.Active(FaultKind.LargeReservationsAccepted)) || (!reservation && Faults.Active(FaultKind.LargeByIndexAccepted)))
            {
                continue;
            }
            throw new MpsdError(409, reservation
                ? $"/members/{key}: a large session takes no reservations"
                : $"/members/{key}: a large session's members other than the caller cannot be written or removed");
        }
        if (Faults.Active(FaultKind.LargeFieldsAccepted))
        {
            return;
        }
        foreach (var (section, key) in RefusedFields)
        {
            if (At(body, section) is JsonObject parent && parent[key] is { } value && !IsNone(key, value))
            {
                throw new MpsdError(next.Readings.LargeFieldStatus, $"{section}/{key}: not supported on a large session");
            }
        }
    }

    /// <summary>DELETE .../members/{index} of a large session: 409 for every caller, the server principal included.</summary>
    internal static void CheckDelete(Session? live, DeleteOf what)
    {
        if (what == DeleteOf.Member && live is { IsLarge: true } && !Faults.Active(FaultKind.LargeByIndexAccepted))
        {
            throw new MpsdError(409, "a large session's members other than the caller cannot be removed");
        }
    }

    private static bool IsNone(string key, JsonNode value) =>
        key == "joinRestriction" && value is JsonValue v && v.TryGetValue(out string? text) && string.Equals(text, "none", StringComparison.OrdinalIgnoreCase);

    private static JsonNode? At(JsonObject body, string pointer)
    {
        JsonNode? node = body;
        foreach (var token in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node is JsonObject o ? o[token] : null;
        }
        return node;
    }
}
