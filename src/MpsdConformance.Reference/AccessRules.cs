namespace MpsdConformance.Reference;

/// <summary>Who may read and write a session: members, reserved users, non-members by visibility, and the server principal.</summary>
internal static class AccessRules
{
    internal static void CheckRead(Session session, Principal principal)
    {
        if (!principal.IsServer && session.Visibility == "private" && !IsMember(session, principal) && !Faults.Active(FaultKind.PrivateReadable))
        {
            throw new MpsdError(403, "private sessions can only be read by members");
        }
    }

    internal static void CheckWrite(Session session, Principal principal)
    {
        if (principal.IsServer || session.Visibility == "open" || IsMember(session, principal) || Faults.Active(FaultKind.PrivateJoinable))
        {
            return;
        }
        if (session.Visibility == "private")
        {
            throw new MpsdError(403, "private sessions can only be written by members or reserved users");
        }
        throw new MpsdError(403, "this session can be read but not written by a non-member", session);
    }

    /// <summary>
    /// members/me is removed by a user; another member or a server entry only by a server principal, except
    /// where a reading lets a user (an owner of a hasOwners session; anyone on an open session's servers).
    /// </summary>
    internal static void CheckDelete(Session? session, Principal principal, DeleteOf what)
    {
        var userMay = what switch
        {
            DeleteOf.Member => session is not null && IsOwnerRemovingMembers(session, principal),
            DeleteOf.Server => session is not null && UsersWriteServers(session),
            _ => true,
        };
        if (what != DeleteOf.Me && !principal.IsServer && !userMay)
        {
            throw new MpsdError(403, "only a server principal can remove another member or a server entry");
        }
        if (what == DeleteOf.Me && principal.IsServer)
        {
            throw new MpsdError(403, "members/me needs a user principal (an authorization with a xuid claim)");
        }
    }

    internal static void CheckServersWrite(Session session, Principal principal)
    {
        if (!principal.IsServer && !UsersWriteServers(session) && !Faults.Active(FaultKind.UsersWriteServers))
        {
            throw new MpsdError(403, "servers can be written only by a server principal");
        }
    }

    /// <summary>PROPSRES-SAME-AS-PUT, member-only: PUT .../properties by a user who is no member is refused.</summary>
    internal static void CheckPropertiesWrite(Session session, Principal principal)
    {
        if (session.Readings.PropertiesNeedMembership && !principal.IsServer && !IsMember(session, principal))
        {
            throw new MpsdError(403, "PUT .../properties needs a member of the session");
        }
    }

    /// <summary>MEMBER-DELETE-INDEX, owners-too: an owner of a hasOwners session (see <see cref="Ownership"/>) removes other members.</summary>
    internal static bool IsOwnerRemovingMembers(Session session, Principal principal) =>
        session.Readings.OwnersRemoveMembers && principal.Xuid is { } xuid && Ownership.IsOwner(session, xuid);

    // SERVERS-PRINCIPAL-ONLY, open-session-users: users write the servers of an open session too.
    private static bool UsersWriteServers(Session session) => session.Readings.UsersWriteServersOfOpenSessions && session.Visibility == "open";

    private static bool IsMember(Session session, Principal principal) =>
        principal.Xuid is { } xuid && session.MemberByXuid(xuid) is not null;
}

/// <summary>What a DELETE removes.</summary>
internal enum DeleteOf
{
    Me,
    Member,
    Server,
}
