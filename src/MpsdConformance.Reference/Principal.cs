namespace MpsdConformance.Reference;

/// <summary>Who is calling: a user (with a xuid) or the server principal.</summary>
internal sealed record Principal(IdentityConfig Identity)
{
    public bool IsServer => Identity.IsServer;

    public string? Xuid => Identity.IsServer ? null : Identity.Xuid;

    public string Name => Identity.Name;

    /// <summary>False for a user without the multiplayer privilege (PRIVILEGE-403); a server principal has it.</summary>
    public bool HasMultiplayerPrivilege => Identity.IsServer || Identity.MultiplayerPrivilege;
}

/// <summary>Resolves <c>Authorization: XBL3.0 x=&lt;userhash&gt;;&lt;token&gt;</c> through the token table.</summary>
internal sealed class IdentityProvider
{
    private readonly Dictionary<(string Hash, string Token), IdentityConfig> _table;

    public IdentityProvider(IEnumerable<IdentityConfig> identities) =>
        _table = identities.ToDictionary(i => (i.UserHash, i.Token));

    public Principal? Resolve(string? authorization)
    {
        const string scheme = "XBL3.0 x=";
        if (authorization is null || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var rest = authorization[scheme.Length..];
        var separator = rest.IndexOf(';', StringComparison.Ordinal);
        if (separator <= 0)
        {
            return null;
        }
        return _table.TryGetValue((rest[..separator], rest[(separator + 1)..].Trim()), out var identity) ? new Principal(identity) : null;
    }
}
