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

    /// <summary>Constants: identical values are accepted, a different value is a 409, new keys only when allowed.</summary>
    internal static void ApplyConstants(JsonObject stored, JsonObject request, string why, bool allowNew)
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
                        if (!JsonNode.DeepEquals(old, value))
                        {
                            if (!allowNew && Faults.Active(FaultKind.ConstantsOverwritable))
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
                        throw new MpsdError(409, $"constants.{section}.{name} cannot be added: constants {why}");
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

    /// <summary>Properties: each system field replaced whole (null removes it); custom merged key by key (null removes).</summary>
    internal static void MergeBag(JsonObject stored, JsonObject request, bool member)
    {
        if (request["system"] is JsonObject system)
        {
            var target = Bags.System(stored);
            foreach (var (name, value) in system)
            {
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
                MergeKeys(target, fields);
            }
            else
            {
                stored["custom"] = custom.DeepClone();
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
