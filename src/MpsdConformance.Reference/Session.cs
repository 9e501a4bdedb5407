using System.Globalization;
using System.Text.Json.Nodes;

namespace MpsdConformance.Reference;

/// <summary>A member of a session.</summary>
internal sealed class Member
{
    public required int Index { get; init; }

    public required string Xuid { get; init; }

    /// <summary>The member's constants, to write to: a frozen bag is copied first (see <see cref="StoredBag"/>).</summary>
    public JsonObject Constants { get => StoredBag.Writable(ref _constants); set => _constants = value; }

    /// <summary>The member's properties, to write to: a frozen bag is copied first (see <see cref="StoredBag"/>).</summary>
    public JsonObject Properties { get => StoredBag.Writable(ref _properties); set => _properties = value; }

    public bool Reserved { get; set; }

    public DateTimeOffset JoinTime { get; set; }

    public string? Gamertag { get; set; }

    /// <summary>Since when the member has been ready (properties.system.ready true), for readyRemovalTimeout.</summary>
    public DateTimeOffset? ReadySince { get; set; }

    public bool IsReady => Flag("ready");

    /// <summary>True when properties.system.active is true.</summary>
    public bool IsActive => Flag("active");

    /// <summary>
    /// Since when the member has been inactive (neither active, ready nor reserved), for inactiveRemovalTimeout;
    /// null while it is one of those.
    /// </summary>
    public DateTimeOffset? InactiveSince { get; set; }

    /// <summary>True once the member has been active or ready (TIMER-INACTIVE-REMOVAL's after-activity reading).</summary>
    public bool WasActive { get; set; }

    private bool Flag(string name) => SystemProperty(name) is JsonValue flag && flag.TryGetValue(out bool on) && on;

    /// <summary>properties.system.NAME to read, never to change, or null.</summary>
    internal JsonNode? SystemProperty(string name) => StoredBag.SystemValue(_properties, name);

    /// <summary>constants.system.NAME to read, never to change, or null.</summary>
    internal JsonNode? SystemConstant(string name) => StoredBag.SystemValue(_constants, name);

    private object _constants = StoredBag.Empty;
    private object _properties = StoredBag.Empty;

    public Member Clone() => new()
    {
        Index = Index,
        Xuid = Xuid,
        _constants = StoredBag.ForClone(_constants),
        _properties = StoredBag.ForClone(_properties),
        Reserved = Reserved,
        JoinTime = JoinTime,
        Gamertag = Gamertag,
        ReadySince = ReadySince,
        InactiveSince = InactiveSince,
        WasActive = WasActive,
    };

    /// <summary>A copy of the constants that the caller owns.</summary>
    internal JsonObject CopyOfConstants() => StoredBag.Copy(_constants);

    /// <summary>A copy of the properties that the caller owns.</summary>
    internal JsonObject CopyOfProperties() => StoredBag.Copy(_properties);

    /// <summary>As the session is stored: its bags frozen to compact UTF-8.</summary>
    internal void Freeze()
    {
        StoredBag.Freeze(ref _constants);
        StoredBag.Freeze(ref _properties);
    }
}

/// <summary>One stored session. Mutated only under its slot's lock, and only on a clone until committed.</summary>
internal sealed class Session
{
    public required string Scid { get; init; }

    public required string Template { get; init; }

    public required string Name { get; init; }

    public int ContractVersion { get; init; } = 107;

    /// <summary>The session's constants, to write to: a frozen or shared bag is copied first (see <see cref="StoredBag"/>).</summary>
    public JsonObject Constants { get => StoredBag.Writable(ref _constants); set => _constants = value; }

    /// <summary>The session's properties, to write to: a frozen bag is copied first (see <see cref="StoredBag"/>).</summary>
    public JsonObject Properties { get => StoredBag.Writable(ref _properties); set => _properties = value; }

    public SortedDictionary<int, Member> Members { get; set; } = [];

    public int NextIndex { get; set; }

    /// <summary>The servers, to write to (made on first use: most sessions have none).</summary>
    public SortedDictionary<string, JsonObject> Servers { get => _servers ??= new(StringComparer.Ordinal); set => _servers = value; }

    public Guid CorrelationId { get; set; } = Guid.NewGuid();

    public Guid Branch { get; init; } = Guid.NewGuid();

    public long ChangeNumber { get; set; }

    public DateTimeOffset StartTime { get; set; }

    public DateTimeOffset? EmptySince { get; set; }

    public string ETag { get; set; } = "";

    /// <summary>The readings the server runs under (they decide defaults, merges and how the session is written).</summary>
    public Readings Readings { get; init; } = Readings.Reference;

    /// <summary>The xuid of the user who created the session, if one did: the first owner of a hasOwners session (see <see cref="Ownership"/>).</summary>
    public string? Creator { get; init; }

    /// <summary>Member initialization: the running episode, members' episodes and failures, host candidates.</summary>
    public InitializationState Init { get; set; } = new();

    /// <summary>Constants shared with other sessions (a template's), never written: the first write copies them.</summary>
    internal SharedBag SharedConstants { init => _constants = value; }

    private object _constants = StoredBag.Empty;
    private object _properties = StoredBag.Empty;
    private SortedDictionary<string, JsonObject>? _servers;

    public Session Clone() => new()
    {
        Init = Init.Clone(),
        Readings = Readings,
        Creator = Creator,
        Scid = Scid,
        Template = Template,
        Name = Name,
        ContractVersion = ContractVersion,
        _constants = StoredBag.ForClone(_constants),
        _properties = StoredBag.ForClone(_properties),
        Members = new SortedDictionary<int, Member>(Members.ToDictionary(kv => kv.Key, kv => kv.Value.Clone())),
        NextIndex = NextIndex,
        _servers = _servers is { Count: > 0 } ? new SortedDictionary<string, JsonObject>(_servers.ToDictionary(kv => kv.Key, kv => (JsonObject)kv.Value.DeepClone()), StringComparer.Ordinal) : null,
        CorrelationId = CorrelationId,
        Branch = Branch,
        ChangeNumber = ChangeNumber,
        StartTime = StartTime,
        EmptySince = EmptySince,
        ETag = ETag,
    };

    public JsonObject ConstantsSystem => Bags.System(Constants);

    /// <summary>constants.system to read, never to change (the template's may be shared by every session made from it).</summary>
    internal JsonObject ConstantsSystemView => StoredBag.ReadOften(_constants)["system"] as JsonObject ?? [];

    /// <summary>properties.system.NAME to read, never to change, or null.</summary>
    internal JsonNode? SystemProperty(string name) => StoredBag.SystemValue(_properties, name);

    /// <summary>The servers to read, never to change.</summary>
    internal IEnumerable<KeyValuePair<string, JsonObject>> ServersView => _servers ?? [];

    /// <summary>A copy of the constants that the caller owns.</summary>
    internal JsonObject CopyOfConstants() => StoredBag.Copy(_constants);

    /// <summary>A copy of the properties that the caller owns.</summary>
    internal JsonObject CopyOfProperties() => StoredBag.Copy(_properties);

    /// <summary>
    /// As the session is stored (it never changes again): its bags and its members' frozen to compact UTF-8, which
    /// later versions share until a write copies them; no servers, no dictionary.
    /// </summary>
    internal void Freeze()
    {
        StoredBag.Freeze(ref _constants);
        StoredBag.Freeze(ref _properties);
        foreach (var member in Members.Values)
        {
            member.Freeze();
        }
        if (_servers is { Count: 0 })
        {
            _servers = null;
        }
    }

    public int MaxMembers => (int)(Numbers.AsLong(ConstantsSystemView["maxMembersCount"]) ?? 100);

    public string Visibility => (ConstantsSystemView["visibility"]?.GetValue<string>() ?? "open").ToLowerInvariant();

    public Member? MemberByXuid(string xuid) => Members.Values.FirstOrDefault(m => m.Xuid == xuid);

    /// <summary>sessionEmptyTimeout in ms: null never expires; unset takes the default of the readings (TIMER-SESSION-EMPTY).</summary>
    public long? EmptyTimeout => Timeout("sessionEmptyTimeout", Readings.DefaultSessionEmptyTimeout);

    /// <summary>True when constants.system.capabilities.large is true: a large session (LARGE-ME-ONLY).</summary>
    public bool IsLarge => ConstantsSystemView["capabilities"]?["large"] is JsonValue flag && flag.TryGetValue(out bool large) && large;

    /// <summary>True when constants.system.capabilities.hasOwners is true.</summary>
    public bool HasOwners => ConstantsSystemView["capabilities"]?["hasOwners"] is JsonValue flag && flag.TryGetValue(out bool hasOwners) && hasOwners;

    /// <summary>
    /// A timeout constant in ms: null when unset-as-null (never), the default when absent. A session created with
    /// the contract 104/105 names holds it under <c>timeouts</c> (e.g. <c>timeouts.inactive</c>).
    /// </summary>
    public long? Timeout(string name, long? defaultMs)
    {
        if (ConstantsSystemView.TryGetPropertyValue(name, out var node)
            || (ConstantsSystemView["timeouts"] is JsonObject timeouts && ContractNames.TimeoutName104(name) is { } name104 && timeouts.TryGetPropertyValue(name104, out node)))
        {
            return Numbers.AsLong(node);
        }
        return defaultMs;
    }

    private UInt128? _fingerprint;
    private byte[]? _rendered;

    /// <summary>
    /// The rendered document, computed once: a stored session is never changed again (writes work on a
    /// clone), so its JSON can be reused for every read. Written in another contract version
    /// (CONTRACT-VERSION-ECHO's request-version reading) it is rendered afresh, and so is a large session,
    /// whose answer shows each caller (<paramref name="viewer"/>, a xuid; null for the server principal) their
    /// own entry alone (LARGE-ME-ONLY).
    /// </summary>
    public byte[] RenderedUtf8(int? contractVersion = null, string? viewer = null) =>
        SessionJson.PerCaller(this)
            ? System.Text.Encoding.UTF8.GetBytes(SessionJson.Render(this, contractVersion, viewer).ToJsonString())
            : contractVersion is null || contractVersion == ContractVersion
                ? _rendered ??= System.Text.Encoding.UTF8.GetBytes(SessionJson.Render(this).ToJsonString())
                : System.Text.Encoding.UTF8.GetBytes(SessionJson.Render(this, contractVersion).ToJsonString());

    /// <summary>
    /// The state that defines the session (no counters or times), as a digest of its JSON text: equal before and
    /// after means nothing changed.
    /// </summary>
    public UInt128 Fingerprint() => _fingerprint ??= StoredBag.Digest(ComputeFingerprint());

    private JsonObject ComputeFingerprint()
    {
        var members = new JsonObject();
        foreach (var (index, m) in Members)
        {
            members[index.ToString(CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["x"] = m.Xuid,
                ["c"] = m.CopyOfConstants(),
                ["p"] = m.CopyOfProperties(),
                ["r"] = m.Reserved,
            };
        }
        var servers = new JsonObject();
        foreach (var (name, server) in ServersView)
        {
            servers[name] = server.DeepClone();
        }
        return new JsonObject
        {
            ["c"] = CopyOfConstants(),
            ["p"] = CopyOfProperties(),
            ["m"] = members,
            ["n"] = NextIndex,
            ["s"] = servers,
            ["i"] = Init.Fingerprint(),
        };
    }
}

/// <summary>Property-bag helpers: <c>{system, custom}</c>.</summary>
internal static class Bags
{
    public static JsonObject Empty() => new() { ["system"] = new JsonObject(), ["custom"] = new JsonObject() };

    public static JsonObject System(JsonObject bag) => Part(bag, "system");

    public static JsonObject Custom(JsonObject bag) => Part(bag, "custom");

    private static JsonObject Part(JsonObject bag, string name)
    {
        if (bag[name] is JsonObject part)
        {
            return part;
        }
        var created = new JsonObject();
        bag[name] = created;
        return created;
    }
}

/// <summary>Reads integers from JSON nodes whether they came from parsed text or from C# values.</summary>
internal static class Numbers
{
    public static long? AsLong(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }
        if (value.TryGetValue(out long l))
        {
            return l;
        }
        if (value.TryGetValue(out int i))
        {
            return i;
        }
        return value.TryGetValue(out System.Text.Json.JsonElement e) && e.TryGetInt64(out var x) ? x : null;
    }
}
