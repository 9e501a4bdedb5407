using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MpsdConformance.Contract;

namespace MpsdConformance.Reference;

/// <summary>
/// What the readings make of a request body beyond its schema: the violations a reading tolerates (a member
/// xuid written as a number, unknown keys under a system section, a large session above 10,000), the status of
/// those it refuses otherwise, and the rules no schema expresses whose answer or values depend on a reading
/// (capability combinations, membersNeededToStart 0, hostSelectionMetric bandwidth, inviteProtocol party, the
/// initialization-group and subscription keys, a top-level roleTypes). Tolerated parts are rewritten in the body:
/// ignored keys dropped, numeric xuids turned into their decimal string.
/// </summary>
internal static partial class BodyReadings
{
    /// <summary>
    /// Judges a session-shaped body (a properties resource body wrapped as <c>{"properties": ...}</c>, its
    /// violations' pointers prefixed likewise): null when it is accepted, else the refusal.
    /// </summary>
    public static MpsdError? Judge(JsonObject body, IReadOnlyList<SchemaViolation> violations, Readings readings)
    {
        var refused = violations.Where(v => !Tolerated(body, v, readings)).ToList();
        if (refused.Count > 0)
        {
            var status = refused.All(IsReadyAndActive) ? readings.ReadyAndActiveStatus : 400;
            return new MpsdError(status, $"the request body breaks the MPSD contract: {string.Join("; ", refused.Take(5))}");
        }
        foreach (var violation in violations)
        {
            Rewrite(body, violation);
        }
        return Rules(body, readings);
    }

    private static bool IsReadyAndActive(SchemaViolation v) =>
        v.Kind == "not" && v.Requirements.Contains("MEMBER-READY-ACTIVE-EXCLUSIVE");

    private static bool Tolerated(JsonObject body, SchemaViolation v, Readings readings)
    {
        if (readings.NumericMemberXuids && v.Requirements.Contains("MEMBER-XUID-STRING") && MemberXuid().IsMatch(v.Pointer))
        {
            return At(body, v.Pointer) is JsonValue xuid && xuid.GetValueKind() == JsonValueKind.Number
                && ulong.TryParse(xuid.ToJsonString(), NumberStyles.None, CultureInfo.InvariantCulture, out _);
        }
        if (readings.NullRestrictionRemoves && RestrictionKey().IsMatch(v.Pointer) && At(body, v.Pointer) is null && Present(body, v.Pointer))
        {
            return true; // kept as null: the merge then removes the field
        }
        if (readings.NonStringHostDropped && v.Pointer == "/properties/system/host" && Present(body, v.Pointer) && At(body, v.Pointer)?.GetValueKind() != JsonValueKind.String)
        {
            return true; // dropped below, like any host that matches no member's device token
        }
        if (v.IsUnknownKey)
        {
            return (readings.IgnoreUnknownConstantsSystem && SessionSystemKey("constants").IsMatch(v.Pointer))
                || (readings.IgnoreUnknownPropertiesSystem && SessionSystemKey("properties").IsMatch(v.Pointer))
                || (readings.IgnoreUnknownMemberSystem && MemberSystemKey().IsMatch(v.Pointer));
        }
        return readings.LargeSessionCap is null && v.Kind == "maximum" && v.Pointer == "/constants/system/maxMembersCount" && IsLarge(body);
    }

    // A tolerated violation leaves its mark: an ignored key is dropped, a numeric xuid becomes its decimal string.
    private static void Rewrite(JsonObject body, SchemaViolation v)
    {
        var parent = At(body, v.Pointer[..v.Pointer.LastIndexOf('/')]) as JsonObject;
        var key = JsonPointers.Unescape(v.Pointer[(v.Pointer.LastIndexOf('/') + 1)..]);
        if (v.IsUnknownKey || (v.Pointer == "/properties/system/host" && parent?[key]?.GetValueKind() != JsonValueKind.String))
        {
            parent?.Remove(key);
        }
        else if (parent?[key] is JsonValue number && number.GetValueKind() == JsonValueKind.Number && MemberXuid().IsMatch(v.Pointer))
        {
            parent[key] = number.ToJsonString();
        }
    }

    private static MpsdError? Rules(JsonObject body, Readings readings)
    {
        if (!readings.RoleSettingsAtTopLevel && body.ContainsKey("roleTypes"))
        {
            return new MpsdError(400, "/roleTypes: only constants, properties, members and servers may appear at the top level of a session body");
        }
        if (body["constants"]?["system"] is JsonObject system && ConstantsRule(system, readings) is { } constants)
        {
            return constants;
        }
        foreach (var (key, member) in body["members"] as JsonObject ?? [])
        {
            if (member?["properties"]?["system"] is JsonObject memberSystem && MemberRule(key, memberSystem, readings) is { } problem)
            {
                return problem;
            }
        }
        return null;
    }

    private static MpsdError? ConstantsRule(JsonObject system, Readings readings)
    {
        if (system["capabilities"] is JsonObject capabilities && CapabilityConflict(capabilities) is { } conflict)
        {
            return new MpsdError(readings.CapabilityConflictStatus, $"/constants/system/capabilities: {conflict}");
        }
        if (readings.LargeSessionCap is { } cap && Flag(system["capabilities"], "large") && Numbers.AsLong(system["maxMembersCount"]) > cap)
        {
            return new MpsdError(400, $"/constants/system/maxMembersCount: a large session holds at most {cap} members");
        }
        if (Numbers.AsLong(system["memberInitialization"]?["membersNeededToStart"]) < readings.MinMembersNeededToStart)
        {
            return new MpsdError(400, $"/constants/system/memberInitialization/membersNeededToStart: at least {readings.MinMembersNeededToStart}");
        }
        if (!readings.BandwidthHostMetric && Is(system["peerToHostRequirements"]?["hostSelectionMetric"], "bandwidth"))
        {
            return new MpsdError(400, "/constants/system/peerToHostRequirements/hostSelectionMetric: bandwidthup, bandwidthdown or latency");
        }
        if (!readings.PartyInviteProtocol && Is(system["inviteProtocol"], "party"))
        {
            return new MpsdError(400, "/constants/system/inviteProtocol: game, tournamentgame, chat or gameparty");
        }
        return null;
    }

    private static MpsdError? MemberRule(string key, JsonObject system, Readings readings)
    {
        var refused = (readings.GroupKeys, readings.Subscriptions) switch
        {
            (GroupKeys.InitializationGroup, _) when system.ContainsKey("group") => "group (the key is initializationGroup)",
            (GroupKeys.Group, _) when system.ContainsKey("initializationGroup") => "initializationGroup (the key is group)",
            (_, SubscriptionForms.Map) when system.ContainsKey("subscription") => "subscription (subscriptions is a map of subscription ids)",
            (_, SubscriptionForms.Object) when system.ContainsKey("subscriptions") => "subscriptions (the key is subscription: {id, changeTypes})",
            _ => null,
        };
        return refused is null ? null : new MpsdError(400, $"/members/{key}/properties/system: {refused} is not allowed");
    }

    /// <summary>The combinations of capabilities the docs forbid, or null.</summary>
    private static string? CapabilityConflict(JsonObject capabilities)
    {
        bool On(string name) => Flag(capabilities, name);
        return On("large") && (On("connectivity") || On("team")) ? "large cannot go with connectivity or team"
            : On("broadcast") && !On("large") ? "broadcast needs large"
            : On("arbitration") && !On("gameplay") ? "arbitration needs gameplay"
            : On("searchable") && On("userAuthorizationStyle") && !On("hasOwners") ? "searchable with userAuthorizationStyle needs hasOwners"
            : null;
    }

    private static bool IsLarge(JsonObject body) => Flag(body["constants"]?["system"]?["capabilities"], "large");

    private static bool Flag(JsonNode? bag, string name) => bag?[name] is JsonValue v && v.TryGetValue(out bool on) && on;

    private static bool Is(JsonNode? node, string value) =>
        node is JsonValue v && v.TryGetValue(out string? text) && string.Equals(text, value, StringComparison.OrdinalIgnoreCase);

    private static JsonNode? At(JsonNode? root, string pointer)
    {
        var node = root;
        foreach (var token in JsonPointers.Tokens(pointer))
        {
            node = node is JsonObject o ? o[token] : null;
        }
        return node;
    }

    private static Regex SessionSystemKey(string section) => section == "constants" ? ConstantsSystemKey() : PropertiesSystemKey();

    // The key at the end of the pointer is there, whatever its value (JSON null included).
    private static bool Present(JsonNode? root, string pointer) =>
        At(root, pointer[..pointer.LastIndexOf('/')]) is JsonObject parent && parent.ContainsKey(JsonPointers.Unescape(pointer[(pointer.LastIndexOf('/') + 1)..]));

    [GeneratedRegex("^/properties/system/(joinRestriction|readRestriction)$")]
    private static partial Regex RestrictionKey();

    [GeneratedRegex("^/members/[^/]+/constants/system/xuid$")]
    private static partial Regex MemberXuid();

    [GeneratedRegex("^/constants/system/[^/]+$")]
    private static partial Regex ConstantsSystemKey();

    [GeneratedRegex("^/properties/system/[^/]+$")]
    private static partial Regex PropertiesSystemKey();

    [GeneratedRegex("^/members/[^/]+/(constants|properties)/system/[^/]+$")]
    private static partial Regex MemberSystemKey();
}
