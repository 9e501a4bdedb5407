using System.Text.Json.Nodes;

namespace MpsdConformance.Reference;

/// <summary>
/// Owners of sessions with <c>constants.system.capabilities.hasOwners</c>. The user who creates such a session is
/// its first owner (OWNERS-LIST); <c>properties.system.owners</c> holds the owners' member indexes and is the one
/// place ownership is kept, so it is cloned, compared and rendered with the session. Clients cannot write it: the
/// request schemas do not list it, so a write of it is an unknown <c>properties.system</c> key (PROPS-SYSTEM-SCHEMA:
/// 400, or dropped). When the last owner leaves (members.me null, DELETE members/me, removal by index or by a
/// timer), <c>ownershipPolicies.migration</c> applies: <c>endsession</c>, the default, ends the session for
/// everyone (OWNERS-MIGRATION); <c>oldest</c> hands ownership to the longest-standing member
/// (OWNERS-MIGRATION-OLDEST). <c>ownershipPolicies</c> needs hasOwners (CONST-CAPABILITIES-FLAGS).
/// </summary>
internal static class Ownership
{
    private const string OwnersKey = "owners";

    /// <summary>The owners' member indexes, as <c>properties.system.owners</c> holds them.</summary>
    internal static IReadOnlyList<int> Owners(Session session) =>
        session.SystemProperty(OwnersKey) is JsonArray owners
            ? owners.Select(o => Numbers.AsLong(o)).OfType<long>().Select(o => (int)o).ToList()
            : [];

    /// <summary>True when <paramref name="xuid"/> is a member of a hasOwners session and one of its owners.</summary>
    internal static bool IsOwner(Session session, string xuid) =>
        session.HasOwners && session.MemberByXuid(xuid) is { Reserved: false } member && Owners(session).Contains(member.Index);

    /// <summary>
    /// CONST-CAPABILITIES-FLAGS (R33): constants that set ownershipPolicies without capabilities.hasOwners are
    /// refused with the status of the other forbidden combinations, judged on the session's constants (the
    /// template's and the creator's together, so a template's hasOwners counts).
    /// </summary>
    internal static void CheckPolicies(Session next)
    {
        if (next.ConstantsSystem.ContainsKey("ownershipPolicies") && !next.HasOwners)
        {
            throw new MpsdError(next.Readings.CapabilityConflictStatus, "/constants/system/ownershipPolicies: ownership policies need constants.system.capabilities.hasOwners");
        }
    }

    /// <summary>A new hasOwners session: its creator, when the create made them a member, is the first owner.</summary>
    internal static void Establish(Session next)
    {
        if (!next.HasOwners)
        {
            return;
        }
        var creator = next.Creator is { } xuid ? next.MemberByXuid(xuid) : null;
        Write(next, creator is { Reserved: false } ? [creator.Index] : []);
    }

    /// <summary>
    /// After members were removed: owners who left are dropped, and when the last one went the migration policy
    /// applies. True when the session ends (endsession); the caller then deletes it.
    /// </summary>
    internal static bool Reconcile(Session next)
    {
        if (!next.HasOwners)
        {
            return false;
        }
        var owners = Owners(next);
        var staying = owners.Where(i => next.Members.TryGetValue(i, out var m) && !m.Reserved).ToList();
        if (staying.Count > 0 || owners.Count == 0)
        {
            if (staying.Count != owners.Count)
            {
                Write(next, staying);
            }
            return false;
        }
        if (MigratesToOldest(next))
        {
            var accepted = next.Members.Values.Where(m => !m.Reserved);
            var byStanding = Faults.Active(FaultKind.OldestMigrationPicksNewest)
                ? accepted.OrderByDescending(m => m.JoinTime).ThenByDescending(m => m.Index)
                : accepted.OrderBy(m => m.JoinTime).ThenBy(m => m.Index);
            // Only reservations left: nobody to hand ownership to, and the session goes on without an owner.
            Write(next, byStanding.Take(1).Select(m => m.Index).ToList());
            return false;
        }
        Write(next, []);
        return !Faults.Active(FaultKind.EndsessionIgnored);
    }

    // ownershipPolicies.migration: "oldest", or "endsession" (the default; any other value is refused by the schema).
    private static bool MigratesToOldest(Session session) =>
        session.ConstantsSystemView["ownershipPolicies"]?["migration"] is JsonValue migration
        && migration.TryGetValue(out string? policy) && string.Equals(policy, "oldest", StringComparison.OrdinalIgnoreCase);

    private static void Write(Session next, IReadOnlyList<int> owners) =>
        Bags.System(next.Properties)[OwnersKey] = new JsonArray(owners.Select(i => (JsonNode)i).ToArray());
}
