using System.Globalization;
using System.Text.Json.Nodes;

namespace MpsdConformance.Reference;

/// <summary>Writes under <c>members</c>: the caller's own entry (join, accept, leave), reservations, and server writes by index.</summary>
internal static class MemberWrites
{
    /// <summary>Applies one entry of a request's <c>members</c>: <c>me</c>, <c>reserve_N</c>, or an index.</summary>
    internal static void Apply(Session next, string key, JsonNode? value, Principal principal, bool creating, DateTimeOffset now)
    {
        if (key == "me")
        {
            ApplyMe(next, value, principal, creating, now);
            return;
        }
        if (key.StartsWith("reserve_", StringComparison.Ordinal))
        {
            Reserve(next, key, value, now);
            return;
        }
        ApplyIndex(next, key, value, principal, now);
    }

    /// <summary><c>members.me</c>: null leaves; otherwise joins, accepts a reservation, or updates the caller's entry.</summary>
    private static void ApplyMe(Session next, JsonNode? value, Principal principal, bool creating, DateTimeOffset now)
    {
        if (principal.Xuid is not { } xuid)
        {
            throw new MpsdError(403, "members.me needs a user principal (an authorization with a xuid claim)");
        }
        var existing = next.MemberByXuid(xuid);
        if (value is not JsonObject me)
        {
            if (existing is not null && !Faults.Active(FaultKind.MeNullIgnored))
            {
                next.Members.Remove(existing.Index);
            }
            return;
        }
        if (existing is null)
        {
            if (!creating && next.Visibility != "open" && !Faults.Active(FaultKind.PrivateJoinable))
            {
                throw new MpsdError(403, $"joining a {next.Visibility} session needs a reservation");
            }
            if (!creating && next.Properties["system"]?["closed"] is JsonValue closed && closed.TryGetValue(out bool isClosed) && isClosed)
            {
                throw new MpsdError(403, "the session is closed to new members");
            }
            EnsureRoom(next, 1);
            existing = new Member { Index = NewIndex(next), Xuid = xuid, JoinTime = now, Gamertag = principal.Identity.Gamertag };
            Bags.System(existing.Constants)["xuid"] = xuid;
            if (next.Members.Count == 0 && next.EmptySince is not null)
            {
                next.StartTime = now;
                if (Faults.Active(FaultKind.RestartNewCorrelationId))
                {
                    next.CorrelationId = Guid.NewGuid();
                }
            }
            next.Members[existing.Index] = existing;
            ApplyMemberConstants(existing, me, xuid, allowNew: true);
        }
        else
        {
            var accepting = existing.Reserved;
            if (!accepting && Faults.Active(FaultKind.JoinNotIdempotent))
            {
                // Joins again: the entry moves to a new index with a new joinTime.
                next.Members.Remove(existing.Index);
                existing = new Member
                {
                    Index = NewIndex(next), Xuid = xuid, JoinTime = now, Gamertag = existing.Gamertag, Constants = existing.Constants, Properties = existing.Properties,
                };
                next.Members[existing.Index] = existing;
            }
            if (accepting)
            {
                existing.Reserved = Faults.Active(FaultKind.ReservationStaysReserved);
                existing.JoinTime = now;
                existing.Gamertag = principal.Identity.Gamertag;
            }
            ApplyMemberConstants(existing, me, xuid, allowNew: accepting);
        }
        if (me["properties"] is JsonObject memberProperties)
        {
            MergeRules.MergeBag(existing.Properties, memberProperties, member: true, next.Readings);
        }
        Timers.Track(existing, now);
    }

    /// <summary>
    /// RESERVE-ORDER: the reserve_&lt;n&gt; keys of one write are numbered 0, 1, 2 ... (the schema already refuses
    /// any other key shape); under the lenient reading gaps and a non-zero start are accepted.
    /// </summary>
    internal static void CheckReservationKeys(JsonObject members, Readings readings)
    {
        var numbers = ReservationNumbers(members).Select(r => r.Number).Order().ToList();
        if (!readings.LenientReservationKeys && !numbers.SequenceEqual(Enumerable.Range(0, numbers.Count).Select(n => (long)n)))
        {
            throw new MpsdError(400, $"/members: reserve_<n> keys are numbered from 0 without gaps in each write; got {string.Join(", ", numbers.Select(n => $"reserve_{n}"))}");
        }
    }

    /// <summary>The entries of a request's members in the order they apply: as written, reservations in key order when keys may have gaps.</summary>
    internal static IEnumerable<KeyValuePair<string, JsonNode?>> InWriteOrder(JsonObject members, Readings readings)
    {
        if (!readings.LenientReservationKeys)
        {
            return members.ToList();
        }
        var reservations = ReservationNumbers(members).OrderBy(r => r.Number).Select(r => r.Key).ToList();
        return members.Where(m => !reservations.Contains(m.Key)).Concat(reservations.Select(k => new KeyValuePair<string, JsonNode?>(k, members[k]))).ToList();
    }

    private static IEnumerable<(string Key, long Number)> ReservationNumbers(JsonObject members) =>
        members.Select(m => m.Key)
            .Where(k => k.StartsWith("reserve_", StringComparison.Ordinal) && long.TryParse(k["reserve_".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out _))
            .Select(k => (k, long.Parse(k["reserve_".Length..], NumberStyles.None, CultureInfo.InvariantCulture)));

    /// <summary><c>members.reserve_N</c>: reserves a place for the user its constants name, once.</summary>
    private static void Reserve(Session next, string key, JsonNode? value, DateTimeOffset now)
    {
        var reservedXuid = value?["constants"]?["system"]?["xuid"]?.GetValue<string>()
                           ?? throw new MpsdError(400, $"/members/{key}/constants/system/xuid: a reservation names the user's xuid");
        if (next.MemberByXuid(reservedXuid) is not null)
        {
            return; // Already a member or reserved: the same reservation again changes nothing.
        }
        EnsureRoom(next, 1);
        var reserved = new Member { Index = NewIndex(next), Xuid = reservedXuid, Reserved = true, JoinTime = now };
        reserved.Constants = MergeRules.Normalize((JsonObject)value!["constants"]!.DeepClone());
        next.Members[reserved.Index] = reserved;
    }

    /// <summary>
    /// <c>members.N</c>: only a server principal writes or (with null) removes another member by index; under
    /// MEMBER-DELETE-INDEX's owners-too reading an owner of a hasOwners session may remove one too.
    /// </summary>
    private static void ApplyIndex(Session next, string key, JsonNode? value, Principal principal, DateTimeOffset now)
    {
        var removal = value is not JsonObject;
        if (!principal.IsServer && !(removal && AccessRules.IsOwnerRemovingMembers(next, principal)) && !Faults.Active(FaultKind.UsersWriteOthersByIndex))
        {
            throw new MpsdError(403, "request body can't contain existing member references unless the authentication principal includes a server");
        }
        var index = int.Parse(key, NumberStyles.None, CultureInfo.InvariantCulture);
        if (value is not JsonObject update)
        {
            next.Members.Remove(index);
            return;
        }
        if (!next.Members.TryGetValue(index, out var member))
        {
            throw new MpsdError(400, $"/members/{key}: no member with index {index}");
        }
        if (update["properties"] is JsonObject bag)
        {
            MergeRules.MergeBag(member.Properties, bag, member: true, next.Readings);
            Timers.Track(member, now);
        }
    }

    private static void EnsureRoom(Session next, int more)
    {
        if (next.Members.Count + more > next.MaxMembers + (Faults.Active(FaultKind.FullOffByOne) ? 1 : 0))
        {
            throw new MpsdError(next.Readings.FullSessionStatus, $"the session is full (maxMembersCount {next.MaxMembers})");
        }
    }

    /// <summary>The index a new member gets: membersInfo.next, which then goes up by one.</summary>
    private static int NewIndex(Session next)
    {
        var index = Faults.Active(FaultKind.MemberIndexReused) ? Faults.LowestFreeIndex(next) : next.NextIndex;
        next.NextIndex++;
        return index;
    }

    private static void ApplyMemberConstants(Member member, JsonObject me, string xuid, bool allowNew)
    {
        if (me["constants"] is not JsonObject constants)
        {
            return;
        }
        if (constants["system"]?["xuid"] is JsonNode given && given.GetValue<string>() != xuid)
        {
            throw new MpsdError(403, "/members/me/constants/system/xuid: members.me is the caller; the xuid must be the caller's");
        }
        MergeRules.ApplyConstants(member.Constants, constants, "is fixed once the member joined", allowNew);
    }
}
