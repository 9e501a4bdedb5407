using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace MpsdConformance.Reference;

/// <summary>Server entries under <c>servers</c>, and the session host, which must be a member's device token.</summary>
internal static class ServerWrites
{
    private const string ServerConstantsFixed = "is fixed once the server entry exists";

    /// <summary>Applies one entry of a request's <c>servers</c>: null removes it; constants are fixed once it exists.</summary>
    internal static void Apply(Session next, string name, JsonObject? value)
    {
        if (value is null)
        {
            if (!Faults.Active(FaultKind.ServerNullIgnored))
            {
                next.Servers.Remove(name);
            }
            return;
        }
        if (!next.Servers.TryGetValue(name, out var server))
        {
            server = new JsonObject { ["constants"] = Bags.Empty(), ["properties"] = Bags.Empty() };
            if (value["constants"] is JsonObject constants)
            {
                MergeRules.ApplyConstants((JsonObject)server["constants"]!, constants, ServerConstantsFixed, allowNew: true);
            }
            next.Servers[name] = server;
        }
        else if (value["constants"] is JsonObject constants)
        {
            MergeRules.ApplyConstants((JsonObject)server["constants"]!, constants, ServerConstantsFixed, allowNew: false);
        }
        if (value["properties"] is JsonObject properties)
        {
            MergeRules.MergeBag((JsonObject)server["properties"]!, properties, member: false, next.Readings);
        }
    }

    /// <summary>A host that is no member's device token is silently dropped (documented behaviour).</summary>
    internal static void DropUnmatchedHost(Session next)
    {
        var system = Bags.System(next.Properties);
        if (system["host"] is JsonValue host && !Faults.Active(FaultKind.UnmatchedHostKept) && host.TryGetValue(out string? token))
        {
            var tokens = next.Members.Values.Select(DeviceToken).Where(t => t is not null);
            if (!tokens.Contains(token, StringComparer.OrdinalIgnoreCase))
            {
                system.Remove("host");
            }
        }
    }

    /// <summary>The device token of a member who uploaded a secure device address.</summary>
    internal static string? DeviceToken(Member member) =>
        member.SystemProperty("secureDeviceAddress") is JsonValue v && v.TryGetValue(out string? address) && address.Length > 0
            ? Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(address)))[..16].ToLowerInvariant()
            : null;
}
