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

    /// <summary>members/me is removed by a user; another member or a server entry only by a server principal.</summary>
    internal static void CheckDelete(Principal principal, bool needsServer)
    {
        if (needsServer && !principal.IsServer)
        {
            throw new MpsdError(403, "only a server principal can remove another member or a server entry");
        }
        if (!needsServer && principal.IsServer)
        {
            throw new MpsdError(403, "members/me needs a user principal (an authorization with a xuid claim)");
        }
    }

    internal static void CheckServersWrite(Principal principal)
    {
        if (!principal.IsServer && !Faults.Active(FaultKind.UsersWriteServers))
        {
            throw new MpsdError(403, "servers can be written only by a server principal");
        }
    }

    private static bool IsMember(Session session, Principal principal) =>
        principal.Xuid is { } xuid && session.MemberByXuid(xuid) is not null;
}
