using System.Globalization;
using System.Text.Json.Nodes;

namespace MpsdConformance.Harness;

/// <summary>
/// A fluent builder of PUT session bodies that serialises to exactly the documented wire shape
/// (<c>constants</c>, <c>properties</c>, <c>members</c> with <c>me</c> / <c>reserve_&lt;n&gt;</c> / index keys,
/// <c>servers</c>). Call sites indent like the JSON they build:
/// <code>
/// SessionRequest.Create()
///     .Me(alice, me => me
///         .Properties(p => p
///             .Custom("skill", 3)))
///     .Reserve(bob.Xuid);
/// </code>
/// </summary>
public sealed class SessionRequest
{
    private readonly JsonObject _root = [];
    private int _reservations;

    /// <summary>An empty body: <c>{}</c>.</summary>
    public static SessionRequest Create() => new();

    /// <summary>Session constants (merged with the template at creation, fixed afterwards).</summary>
    public SessionRequest Constants(Action<PropertyBag> build)
    {
        build(new PropertyBag(Section(_root, "constants")));
        return this;
    }

    /// <summary>Session properties (custom merged per key, system fields replaced whole).</summary>
    public SessionRequest Properties(Action<PropertyBag> build)
    {
        build(new PropertyBag(Section(_root, "properties")));
        return this;
    }

    /// <summary>The caller joins (or updates itself): <c>members.me</c>, with the caller's xuid in its constants.</summary>
    public SessionRequest Me(Identity who, Action<Member>? build = null)
    {
        var me = new JsonObject();
        Section(Section(me, "constants"), "system")["xuid"] = who.Xuid;
        build?.Invoke(new Member(me));
        Section(_root, "members")["me"] = me;
        return this;
    }

    /// <summary>The caller leaves: <c>members.me: null</c>.</summary>
    public SessionRequest Leave()
    {
        Section(_root, "members")["me"] = null;
        return this;
    }

    /// <summary>Reservations <c>reserve_0..n</c> for these xuids, numbered from 0 in request order.</summary>
    public SessionRequest Reserve(params string?[] xuids)
    {
        foreach (var xuid in xuids)
        {
            Section(_root, "members")[$"reserve_{_reservations++}"] = new JsonObject { ["constants"] = new JsonObject { ["system"] = new JsonObject { ["xuid"] = xuid } } };
        }
        return this;
    }

    /// <summary>
    /// One more reservation, <c>reserve_&lt;n&gt;</c>, for <paramref name="xuid"/>, with what <paramref name="build"/>
    /// writes in the entry, e.g. <c>.Reserve(bob.Xuid, r => r.Constants(c => c.System("initialize", true)))</c>.
    /// </summary>
    public SessionRequest Reserve(string? xuid, Action<Member> build)
    {
        var key = $"reserve_{_reservations}";
        Reserve(xuid);
        build(new Member((JsonObject)_root["members"]![key]!));
        return this;
    }

    /// <summary>
    /// An existing member by index, <c>members.{index}</c>: its constants and properties as
    /// <paramref name="build"/> writes them (a user may write only its own entry; others are refused).
    /// </summary>
    public SessionRequest MemberAt(int index, Action<Member> build)
    {
        var member = new JsonObject();
        build(new Member(member));
        Section(_root, "members")[index.ToString(CultureInfo.InvariantCulture)] = member;
        return this;
    }

    /// <summary>An existing member by index: <c>null</c> removes it (server principals only).</summary>
    public SessionRequest RemoveMember(int index)
    {
        Section(_root, "members")[index.ToString(CultureInfo.InvariantCulture)] = null;
        return this;
    }

    /// <summary>A server entry, <c>servers.{name}</c> (server principals only); <paramref name="build"/> null removes it.</summary>
    public SessionRequest Server(string name, Action<Member>? build)
    {
        if (build is null)
        {
            return RemoveServer(name);
        }
        var server = new JsonObject();
        build(new Member(server));
        Section(_root, "servers")[name] = server;
        return this;
    }

    /// <summary>Removes a server entry: <c>servers.{name}: null</c>.</summary>
    public SessionRequest RemoveServer(string name)
    {
        Section(_root, "servers")[name] = null;
        return this;
    }

    /// <summary>
    /// A body for PUT .../properties, which takes the property bag alone:
    /// <c>{"system": {...}, "custom": {...}}</c>.
    /// </summary>
    public static string PropertiesResource(Action<PropertyBag> build)
    {
        var bag = new JsonObject();
        build(new PropertyBag(bag));
        return bag.ToJsonString();
    }

    /// <summary>The body as JSON text.</summary>
    public string ToJson() => _root.ToJsonString();

    /// <inheritdoc />
    public override string ToString() => ToJson();

    /// <summary>Lets a builder stand where a body string is expected.</summary>
    public static implicit operator string(SessionRequest request) => request.ToJson();

    internal static JsonObject Section(JsonObject parent, string name)
    {
        if (parent[name] is JsonObject existing)
        {
            return existing;
        }
        var created = new JsonObject();
        parent[name] = created;
        return created;
    }

    /// <summary>A property bag: <c>{"system": {...}, "custom": {...}}</c>.</summary>
    public sealed class PropertyBag(JsonObject bag)
    {
        /// <summary>A system field (null removes it where the docs say so).</summary>
        public PropertyBag System(string name, JsonNode? value)
        {
            Section(bag, "system")[name] = value;
            return this;
        }

        /// <summary>A custom key (null removes it).</summary>
        public PropertyBag Custom(string name, JsonNode? value)
        {
            Section(bag, "custom")[name] = value;
            return this;
        }

        /// <summary>The custom section, present even when no key is written: <c>custom: {}</c>.</summary>
        public PropertyBag EmptyCustom()
        {
            Section(bag, "custom");
            return this;
        }

        /// <summary>
        /// The timeouts as contracts 104 and 105 name them: <c>system.timeouts</c> with <c>reserved</c>,
        /// <c>inactive</c>, <c>ready</c> and <c>sessionEmpty</c>, each in milliseconds or null (contract 107
        /// names them <c>reservedRemovalTimeout</c> and so on, see <see cref="System"/>).
        /// </summary>
        public PropertyBag Timeouts104(params (string Name, long? Milliseconds)[] timeouts)
        {
            var section = Section(Section(bag, "system"), "timeouts");
            foreach (var (name, milliseconds) in timeouts)
            {
                section[name] = milliseconds;
            }
            return this;
        }
    }

    /// <summary>A member or server entry: its constants and properties.</summary>
    public sealed class Member(JsonObject member)
    {
        /// <summary>The entry's constants.</summary>
        public Member Constants(Action<PropertyBag> build)
        {
            build(new PropertyBag(Section(member, "constants")));
            return this;
        }

        /// <summary>The entry's properties.</summary>
        public Member Properties(Action<PropertyBag> build)
        {
            build(new PropertyBag(Section(member, "properties")));
            return this;
        }
    }
}
