using System.Text.Json.Nodes;

namespace MpsdConformance.Reference;

/// <summary>How a request's constants and properties merge into what is stored.</summary>
internal static class MergeRules
{
    /// <summary>Gives a constants or properties bag both sections, <c>system</c> and <c>custom</c>.</summary>
    internal static JsonObject Normalize(JsonObject bag)
    {
        bag["system"] ??= new JsonObject();
        bag["custom"] ??= new JsonObject();
        return bag;
    }

    /// <summary>
    /// Session constants in a write to an existing session: PUT-IDEMPOTENT decides how identical constants are
    /// answered (accepted, or 409), CONST-FIXED-409 how new ones are (409, stored, or 400); a different value is
    /// always a 409.
    /// </summary>
    internal static void ApplySessionConstantsAfterCreation(JsonObject stored, JsonObject request, Readings readings) =>
        ApplyConstants(stored, request, "is fixed once the session exists", allowNew: readings.NewConstantStatus is null,
            newStatus: readings.NewConstantStatus ?? 409, identicalConflicts: readings.ConstantsFixedEvenIdentical);

    /// <summary>Constants a new session shows even when neither the template nor the creator set them (CONST-TIMEOUT-VALUES).</summary>
    internal static void FillDefaults(JsonObject constants, Readings readings)
    {
        var system = Bags.System(constants);
        if (LacksDefaults(system))
        {
            system["inactiveRemovalTimeout"] = readings.DefaultInactiveRemovalTimeout;
        }
    }

    /// <summary>The same for a session, whose constants are copied only when a default is missing (they may be a template's, shared).</summary>
    internal static void FillDefaults(Session session, Readings readings)
    {
        if (LacksDefaults(session.ConstantsSystemView))
        {
            FillDefaults(session.Constants, readings);
        }
    }

    private static bool LacksDefaults(JsonObject system) => !system.ContainsKey("inactiveRemovalTimeout") && !system.ContainsKey("timeouts");

    /// <summary>
    /// Constants: identical values are accepted (a 409 when <paramref name="identicalConflicts"/>), a different
    /// value is a 409, new keys only when allowed (else <paramref name="newStatus"/>).
    /// </summary>
    internal static void ApplyConstants(JsonObject stored, JsonObject request, string why, bool allowNew, int newStatus = 409, bool identicalConflicts = false)
    {
        foreach (var section in new[] { "system", "custom" })
        {
            if (!request.TryGetPropertyValue(section, out var incoming) || incoming is null)
            {
                continue;
            }
            var current = stored[section];
            if (incoming is JsonObject fields && current is JsonObject existing)
            {
                foreach (var (name, value) in fields)
                {
                    if (existing.TryGetPropertyValue(name, out var old))
                    {
                        if (identicalConflicts || !JsonNode.DeepEquals(old, value))
                        {
                            if (!allowNew && !JsonNode.DeepEquals(old, value) && Faults.Active(FaultKind.ConstantsOverwritable))
                            {
                                existing[name] = value?.DeepClone();
                                continue;
                            }
                            throw new MpsdError(409, $"constants.{section}.{name} {why}");
                        }
                    }
                    else if (allowNew)
                    {
                        existing[name] = value?.DeepClone();
                    }
                    else
                    {
                        throw new MpsdError(newStatus, $"constants.{section}.{name} cannot be added: constants {why}");
                    }
                }
            }
            else if (!JsonNode.DeepEquals(current, incoming))
            {
                if (!allowNew || current is not (null or JsonObject { Count: 0 }))
                {
                    throw new MpsdError(409, $"constants.{section} {why}");
                }
                stored[section] = incoming.DeepClone();
            }
        }
    }

    /// <summary>Properties: each system field replaced whole (null removes it); custom merged as MERGE-CUSTOM-KEYS's reading says.</summary>
    internal static void MergeBag(JsonObject stored, JsonObject request, bool member, Readings readings)
    {
        if (request["system"] is JsonObject system)
        {
            var target = Bags.System(stored);
            foreach (var (key, value) in system)
            {
                // MEMBER-INIT-GROUP-INTS, both: group is accepted as initializationGroup's other name, and answered as initializationGroup.
                var name = member && key == "group" && readings.GroupKeys == GroupKeys.Both ? "initializationGroup" : key;
                if (member && name == "subscriptions" && value is JsonObject subscriptions)
                {
                    var kept = target["subscriptions"] as JsonObject ?? new JsonObject();
                    MergeKeys(kept, subscriptions);
                    target["subscriptions"] = kept;
                }
                else if (value is null || (member && name == "encounters") || (!member && name == "initializationSucceeded"))
                {
                    // encounters are used once and never returned; initializationSucceeded is consumed at once.
                    target.Remove(name);
                }
                else if (value is JsonObject fields && target[name] is JsonObject kept && Faults.Active(FaultKind.SystemObjectsMerged))
                {
                    MergeKeys(kept, fields);
                }
                else
                {
                    target[name] = value.DeepClone();
                }
            }
        }
        if (request.TryGetPropertyValue("custom", out var custom) && custom is not null)
        {
            if (Faults.Active(FaultKind.CustomArraysRefused) && custom is JsonObject values && values.Any(v => v.Value is JsonArray))
            {
                throw new MpsdError(400, "/properties/custom: arrays are not accepted in custom values");
            }
            if (custom is JsonObject fields && stored["custom"] is JsonObject target)
            {
                if (Faults.Active(FaultKind.CustomReplaced))
                {
                    target = [];
                    stored["custom"] = target;
                }
                MergeCustom(target, fields, readings.CustomMerge);
            }
            else
            {
                stored["custom"] = custom.DeepClone();
            }
        }
    }

    /// <summary>Custom objects: key by key (null removes), at every depth for deep-merge, nulls kept for null-stored.</summary>
    private static void MergeCustom(JsonObject target, JsonObject fields, CustomMerge merge)
    {
        foreach (var (name, value) in fields)
        {
            if (value is null && merge != CustomMerge.NullStored)
            {
                target.Remove(name);
            }
            else if (merge == CustomMerge.Deep && value is JsonObject nested && target[name] is JsonObject existing)
            {
                MergeCustom(existing, nested, merge);
            }
            else
            {
                target[name] = value?.DeepClone();
            }
        }
    }

    /// <summary>Merges key by key: a null value removes the key, any other value replaces it whole.</summary>
    private static void MergeKeys(JsonObject target, JsonObject fields)
    {
        foreach (var (name, value) in fields)
        {
            if (value is null)
            {
                target.Remove(name);
            }
            else
            {
                target[name] = value.DeepClone();
            }
        }
    }
}
