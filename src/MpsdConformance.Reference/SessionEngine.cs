using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace MpsdConformance.Reference;

/// <summary>What an operation answers: a status, and a session to render or a text/plain message.</summary>
internal sealed record Outcome(int Status, Session? Session = null, string? Text = null, bool WithBody = true, DateTimeOffset Now = default)
{
    public static Outcome Error(MpsdError e, DateTimeOffset now) => new(e.Status, e.Session, e.Session is null ? e.Message : null, Now: now);
}

/// <summary>The precondition headers of a request.</summary>
internal sealed record Conditions(string? IfMatch, string? IfNoneMatch);

/// <summary>
/// The documented session semantics. Every operation runs under the session's lock, works on a clone, and
/// commits only when it succeeds, so a refused request never changes stored state.
/// </summary>
internal sealed class SessionEngine(SessionStore store, TimeProvider time, int retryAfterSeconds)
{
    private const long DefaultReservedRemovalMs = 30_000;

    public int RetryAfterSeconds { get; } = retryAfterSeconds;

    public Outcome Get(SessionKey key, Principal principal, string? ifNoneMatch) =>
        Run(key, live =>
        {
            var now = time.GetUtcNow();
            if (live is null)
            {
                return (null, new Outcome(204, WithBody: false, Now: now));
            }
            CheckRead(live, principal);
            if (ifNoneMatch is not null && (ifNoneMatch.Trim() == "*" || ETags.Matches(ifNoneMatch, live.ETag)))
            {
                return (live, new Outcome(304, live, WithBody: false, Now: now));
            }
            return (live, new Outcome(200, live, Now: now));
        });

    public Outcome Put(SessionKey key, (string Scid, string Template, string Name) names, TemplateConfig template, Principal principal,
        JsonObject body, Conditions conditions, bool noCommit, bool propertiesOnly) =>
        Run(key, live =>
        {
            var now = time.GetUtcNow();
            if (propertiesOnly && live is null)
            {
                throw new MpsdError(404, "session not found: PUT .../properties never creates a session");
            }
            CheckConditions(live, conditions);
            if (live is not null)
            {
                CheckWrite(live, principal);
            }
            var creating = live is null;
            var next = live?.Clone() ?? NewSession(names, template, now);
            Apply(next, body, principal, creating, now);

            if (next.Members.Count == 0)
            {
                var emptyTimeout = next.Timeout("sessionEmptyTimeout", 0);
                if (emptyTimeout == 0)
                {
                    // Nobody left and no grace period: the session is gone (or never was).
                    return (noCommit ? live : null, new Outcome(204, WithBody: false, Now: now));
                }
                next.EmptySince ??= now;
            }
            else
            {
                next.EmptySince = null;
            }
            if (creating)
            {
                next.ChangeNumber = 1;
                next.ETag = ETags.New();
                return (noCommit ? null : next, new Outcome(201, next, Now: now));
            }
            if (next.Fingerprint() == live!.Fingerprint())
            {
                return (live, new Outcome(200, live, Now: now));
            }
            next.ChangeNumber = live.ChangeNumber + 1;
            next.ETag = ETags.New();
            return (noCommit ? live : next, new Outcome(200, next, Now: now));
        });

    public Outcome DeleteMe(SessionKey key, Principal principal, Conditions conditions) =>
        Delete(key, principal, conditions, needsServer: false, (session, p) =>
        {
            var member = p.Xuid is null ? null : session.MemberByXuid(p.Xuid);
            if (member is null)
            {
                throw new MpsdError(404, "the caller is not a member of this session");
            }
            session.Members.Remove(member.Index);
        });

    public Outcome DeleteMember(SessionKey key, Principal principal, Conditions conditions, int index) =>
        Delete(key, principal, conditions, needsServer: true, (session, _) =>
        {
            if (!session.Members.Remove(index))
            {
                throw new MpsdError(404, $"no member with index {index}");
            }
        });

    public Outcome DeleteServer(SessionKey key, Principal principal, Conditions conditions, string name) =>
        Delete(key, principal, conditions, needsServer: true, (session, _) =>
        {
            if (!session.Servers.Remove(name))
            {
                throw new MpsdError(404, $"no server named {name}");
            }
        });

    private Outcome Delete(SessionKey key, Principal principal, Conditions conditions, bool needsServer, Action<Session, Principal> remove) =>
        Run(key, live =>
        {
            var now = time.GetUtcNow();
            if (needsServer && !principal.IsServer)
            {
                throw new MpsdError(403, "only a server principal can remove another member or a server entry");
            }
            if (!needsServer && principal.IsServer)
            {
                throw new MpsdError(403, "members/me needs a user principal (an authorization with a xuid claim)");
            }
            if (live is null)
            {
                throw new MpsdError(404, "session not found");
            }
            CheckConditions(live, conditions);
            CheckWrite(live, principal);
            var next = live.Clone();
            remove(next, principal);
            if (next.Members.Count == 0)
            {
                if (next.Timeout("sessionEmptyTimeout", 0) == 0)
                {
                    return (null, new Outcome(204, WithBody: false, Now: now));
                }
                next.EmptySince ??= now;
            }
            next.ChangeNumber = live.ChangeNumber + 1;
            next.ETag = ETags.New();
            return (next, new Outcome(200, next, Now: now));
        });

    /// <summary>Applies lazy timers, then the operation; errors answer without changing what is stored.</summary>
    private Outcome Run(SessionKey key, Func<Session?, (Session? Keep, Outcome Result)> operation) =>
        store.WithSession(key, current =>
        {
            var live = ApplyTimers(current, time.GetUtcNow());
            try
            {
                return operation(live);
            }
            catch (MpsdError e)
            {
                return (live, Outcome.Error(e, time.GetUtcNow()));
            }
        }, () => new Outcome(503, Text: "too many sessions stored; retry later", Now: time.GetUtcNow()));

    /// <summary>Timers run lazily: expired reservations go, and an empty session past its timeout is deleted.</summary>
    internal static Session? ApplyTimers(Session? current, DateTimeOffset now)
    {
        if (current is null)
        {
            return null;
        }
        var reservedTimeout = current.Timeout("reservedRemovalTimeout", DefaultReservedRemovalMs);
        var expired = reservedTimeout is { } ms
            ? current.Members.Values.Where(m => m.Reserved && m.JoinTime.AddMilliseconds(ms) <= now).ToList()
            : [];
        var emptyTimeout = current.Timeout("sessionEmptyTimeout", 0);
        if (expired.Count == 0 && !(current.Members.Count == 0 && EmptyExpired(current.EmptySince, emptyTimeout, now)))
        {
            return current;
        }
        var next = current.Clone();
        foreach (var member in expired)
        {
            next.Members.Remove(member.Index);
        }
        if (next.Members.Count == 0)
        {
            next.EmptySince ??= expired.Count > 0 ? expired.Max(m => m.JoinTime.AddMilliseconds(reservedTimeout!.Value)) : now;
            if (emptyTimeout == 0 || EmptyExpired(next.EmptySince, emptyTimeout, now))
            {
                return null;
            }
        }
        next.ChangeNumber++;
        next.ETag = ETags.New();
        return next;
    }

    private static bool EmptyExpired(DateTimeOffset? since, long? timeoutMs, DateTimeOffset now) =>
        since is { } s && timeoutMs is { } ms && s.AddMilliseconds(ms) <= now;

    private static Session NewSession((string Scid, string Template, string Name) names, TemplateConfig template, DateTimeOffset now) => new()
    {
        Scid = names.Scid,
        Template = names.Template,
        Name = names.Name,
        ContractVersion = template.ContractVersion,
        Constants = Normalize((JsonObject)template.Constants.DeepClone()),
        StartTime = now,
    };

    private static JsonObject Normalize(JsonObject bag)
    {
        bag["system"] ??= new JsonObject();
        bag["custom"] ??= new JsonObject();
        return bag;
    }

    private static void CheckConditions(Session? live, Conditions conditions)
    {
        if (conditions.IfMatch is { } ifMatch)
        {
            if (live is null)
            {
                throw new MpsdError(412, "If-Match could not be satisfied: the session does not exist");
            }
            if (ifMatch.Trim() != "*" && !ETags.Matches(ifMatch, live.ETag))
            {
                throw new MpsdError(412, "If-Match could not be satisfied", live);
            }
        }
        if (conditions.IfNoneMatch is { } ifNoneMatch && live is not null
            && (ifNoneMatch.Trim() == "*" || ETags.Matches(ifNoneMatch, live.ETag)))
        {
            throw new MpsdError(412, "If-None-Match could not be satisfied: the session exists", live);
        }
    }

    private static bool IsMember(Session session, Principal principal) =>
        principal.Xuid is { } xuid && session.MemberByXuid(xuid) is not null;

    private static void CheckRead(Session session, Principal principal)
    {
        if (!principal.IsServer && session.Visibility == "private" && !IsMember(session, principal))
        {
            throw new MpsdError(403, "private sessions can only be read by members");
        }
    }

    private static void CheckWrite(Session session, Principal principal)
    {
        if (principal.IsServer || session.Visibility == "open" || IsMember(session, principal))
        {
            return;
        }
        if (session.Visibility == "private")
        {
            throw new MpsdError(403, "private sessions can only be written by members or reserved users");
        }
        throw new MpsdError(403, "this session can be read but not written by a non-member", session);
    }

    private static void Apply(Session next, JsonObject body, Principal principal, bool creating, DateTimeOffset now)
    {
        if (body["constants"] is JsonObject constants)
        {
            ApplyConstants(next.Constants, constants, creating ? "is fixed by the session template" : "is fixed once the session exists", allowNew: creating);
        }
        if (body["properties"] is JsonObject properties)
        {
            if (properties["system"] is JsonObject system && system.ContainsKey("keywords") && next.Visibility == "private")
            {
                throw new MpsdError(400, "/properties/system/keywords: keywords cannot be set on a private session");
            }
            MergeBag(next.Properties, properties, member: false);
        }
        if (body["members"] is JsonObject members)
        {
            foreach (var (name, value) in members)
            {
                ApplyMember(next, name, value, principal, creating, now);
            }
        }
        if (body["servers"] is JsonObject servers)
        {
            if (!principal.IsServer)
            {
                throw new MpsdError(403, "servers can be written only by a server principal");
            }
            foreach (var (name, value) in servers)
            {
                ApplyServer(next, name, value as JsonObject);
            }
        }
        DropUnmatchedHost(next);
    }

    private static void ApplyMember(Session next, string key, JsonNode? value, Principal principal, bool creating, DateTimeOffset now)
    {
        if (key == "me")
        {
            if (principal.Xuid is not { } xuid)
            {
                throw new MpsdError(403, "members.me needs a user principal (an authorization with a xuid claim)");
            }
            var existing = next.MemberByXuid(xuid);
            if (value is not JsonObject me)
            {
                if (existing is not null)
                {
                    next.Members.Remove(existing.Index);
                }
                return;
            }
            if (existing is null)
            {
                if (!creating && next.Visibility != "open")
                {
                    throw new MpsdError(403, $"joining a {next.Visibility} session needs a reservation");
                }
                if (!creating && next.Properties["system"]?["closed"] is JsonValue closed && closed.TryGetValue(out bool isClosed) && isClosed)
                {
                    throw new MpsdError(403, "the session is closed to new members");
                }
                EnsureRoom(next, 1);
                existing = new Member { Index = next.NextIndex++, Xuid = xuid, JoinTime = now, Gamertag = principal.Identity.Gamertag };
                Bags.System(existing.Constants)["xuid"] = xuid;
                if (next.Members.Count == 0 && next.EmptySince is not null)
                {
                    next.StartTime = now;
                }
                next.Members[existing.Index] = existing;
                ApplyMemberConstants(existing, me, xuid, allowNew: true);
            }
            else
            {
                var accepting = existing.Reserved;
                if (accepting)
                {
                    existing.Reserved = false;
                    existing.JoinTime = now;
                    existing.Gamertag = principal.Identity.Gamertag;
                }
                ApplyMemberConstants(existing, me, xuid, allowNew: accepting);
            }
            if (me["properties"] is JsonObject memberProperties)
            {
                MergeBag(existing.Properties, memberProperties, member: true);
            }
            return;
        }
        if (key.StartsWith("reserve_", StringComparison.Ordinal))
        {
            var reservedXuid = value?["constants"]?["system"]?["xuid"]?.GetValue<string>()
                               ?? throw new MpsdError(400, $"/members/{key}/constants/system/xuid: a reservation names the user's xuid");
            if (next.MemberByXuid(reservedXuid) is not null)
            {
                return; // Already a member or reserved: the same reservation again changes nothing.
            }
            EnsureRoom(next, 1);
            var reserved = new Member { Index = next.NextIndex++, Xuid = reservedXuid, Reserved = true, JoinTime = now };
            reserved.Constants = Normalize((JsonObject)value!["constants"]!.DeepClone());
            next.Members[reserved.Index] = reserved;
            return;
        }
        if (!principal.IsServer)
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
            MergeBag(member.Properties, bag, member: true);
        }
    }

    private static void EnsureRoom(Session next, int more)
    {
        if (next.Members.Count + more > next.MaxMembers)
        {
            throw new MpsdError(403, $"the session is full (maxMembersCount {next.MaxMembers})");
        }
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
        ApplyConstants(member.Constants, constants, "is fixed once the member joined", allowNew);
    }

    /// <summary>Constants: identical values are accepted, a different value is a 409, new keys only when allowed.</summary>
    private static void ApplyConstants(JsonObject stored, JsonObject request, string why, bool allowNew)
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
    private static void MergeBag(JsonObject stored, JsonObject request, bool member)
    {
        if (request["system"] is JsonObject system)
        {
            var target = Bags.System(stored);
            foreach (var (name, value) in system)
            {
                if (member && name == "subscriptions" && value is JsonObject subscriptions)
                {
                    var kept = target["subscriptions"] as JsonObject ?? new JsonObject();
                    foreach (var (id, subscription) in subscriptions)
                    {
                        if (subscription is null)
                        {
                            kept.Remove(id);
                        }
                        else
                        {
                            kept[id] = subscription.DeepClone();
                        }
                    }
                    target["subscriptions"] = kept;
                }
                else if (value is null || (member && name == "encounters") || (!member && name == "initializationSucceeded"))
                {
                    // encounters are used once and never returned; initializationSucceeded is consumed at once.
                    target.Remove(name);
                }
                else
                {
                    target[name] = value.DeepClone();
                }
            }
        }
        if (request.TryGetPropertyValue("custom", out var custom) && custom is not null)
        {
            if (custom is JsonObject fields && stored["custom"] is JsonObject target)
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
            else
            {
                stored["custom"] = custom.DeepClone();
            }
        }
    }

    private static void ApplyServer(Session next, string name, JsonObject? value)
    {
        if (value is null)
        {
            next.Servers.Remove(name);
            return;
        }
        if (!next.Servers.TryGetValue(name, out var server))
        {
            server = new JsonObject { ["constants"] = Bags.Empty(), ["properties"] = Bags.Empty() };
            if (value["constants"] is JsonObject constants)
            {
                ApplyConstants((JsonObject)server["constants"]!, constants, "is fixed once the server entry exists", allowNew: true);
            }
            next.Servers[name] = server;
        }
        else if (value["constants"] is JsonObject constants)
        {
            ApplyConstants((JsonObject)server["constants"]!, constants, "is fixed once the server entry exists", allowNew: false);
        }
        if (value["properties"] is JsonObject properties)
        {
            MergeBag((JsonObject)server["properties"]!, properties, member: false);
        }
    }

    /// <summary>A host that is no member's device token is silently dropped (documented behaviour).</summary>
    private static void DropUnmatchedHost(Session next)
    {
        var system = Bags.System(next.Properties);
        if (system["host"] is JsonValue host && host.TryGetValue(out string? token))
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
        member.Properties["system"]?["secureDeviceAddress"] is JsonValue v && v.TryGetValue(out string? address) && address.Length > 0
            ? Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(address)))[..16].ToLowerInvariant()
            : null;
}

/// <summary>Strong, opaque ETags.</summary>
internal static class ETags
{
    public static string New() => "\"" + Guid.NewGuid().ToString("N").ToUpperInvariant() + "\"";

    /// <summary>True when any entity tag of a header list equals <paramref name="current"/> (strong comparison; quotes optional).</summary>
    public static bool Matches(string header, string current)
    {
        var bare = current.Trim('"');
        foreach (var raw in header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (raw.StartsWith("W/", StringComparison.Ordinal))
            {
                continue;
            }
            if (string.Equals(raw.Trim('"'), bare, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }
}
