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
    public int RetryAfterSeconds { get; } = retryAfterSeconds;

    public Outcome Get(SessionKey key, Principal principal, string? ifNoneMatch) =>
        Run(key, live =>
        {
            var now = time.GetUtcNow();
            if (live is null)
            {
                return (null, new Outcome(Faults.Active(FaultKind.MissingSession200) ? 200 : 204, WithBody: false, Now: now));
            }
            AccessRules.CheckRead(live, principal);
            if (ifNoneMatch is not null && ETags.MatchesOrStar(ifNoneMatch, live.ETag) && !Faults.Active(FaultKind.IfNoneMatchIgnoredOnGet))
            {
                return (live, new Outcome(304, live, WithBody: false, Now: now));
            }
            return (live, new Outcome(Faults.Active(FaultKind.GetAnswers203) ? 203 : 200, live, Now: now));
        });

    public Outcome Put(SessionKey key, (string Scid, string Template, string Name) names, TemplateConfig template, Principal principal,
        JsonObject body, Conditions conditions, bool noCommit, bool propertiesOnly) =>
        Run(key, live =>
        {
            var now = time.GetUtcNow();
            if (propertiesOnly && live is null && !Faults.Active(FaultKind.PropertiesOnMissingSession204))
            {
                throw new MpsdError(404, "session not found: PUT .../properties never creates a session");
            }
            Preconditions.Check(live, conditions);
            if (live is not null)
            {
                AccessRules.CheckWrite(live, principal);
                Faults.CheckUpdate(live, body);
            }
            var creating = live is null;
            var next = live?.Clone() ?? NewSession(names, template, now);
            if (creating && body["constants"] is JsonObject && Faults.Active(FaultKind.TemplateConstantsDropped))
            {
                next.Constants = Bags.Empty();
            }
            Apply(next, body, principal, creating, now);

            if (next.Members.Count == 0 && !(creating && Faults.Active(FaultKind.EmptyCreateStored)))
            {
                var emptyTimeout = Faults.Active(FaultKind.EmptyTimeoutIgnored) ? 0 : next.Timeout("sessionEmptyTimeout", 0);
                if (emptyTimeout == 0)
                {
                    if (!creating && Faults.Active(FaultKind.LastLeaveAnswers200))
                    {
                        Commit(next);
                        return (noCommit ? live : null, new Outcome(200, next, Now: now));
                    }
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
                Commit(next);
                return (noCommit ? null : next, new Outcome(Faults.Active(FaultKind.CreateAnswers200) ? 200 : 201, next, Now: now));
            }
            if (next.Fingerprint() == live!.Fingerprint())
            {
                return (live, new Outcome(200, live, Now: now));
            }
            Commit(next);
            return (noCommit ? live : next, new Outcome(200, next, Now: now));
        });

    public Outcome DeleteMe(SessionKey key, Principal principal, Conditions conditions) =>
        Delete(key, principal, conditions, needsServer: false, (session, p) =>
        {
            var member = p.Xuid is null ? null : session.MemberByXuid(p.Xuid);
            if (member is null)
            {
                if (Faults.Active(FaultKind.NonMemberDeleteRemovesFirst))
                {
                    session.Members.Remove(0);
                    return;
                }
                throw new MpsdError(404, "the caller is not a member of this session");
            }
            session.Members.Remove(member.Index);
        });

    public Outcome DeleteMember(SessionKey key, Principal principal, Conditions conditions, int index) =>
        Delete(key, principal, conditions, needsServer: true, (session, _) =>
        {
            if (Faults.Active(FaultKind.DeleteByIndexIgnored))
            {
                return;
            }
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

    /// <summary>
    /// The one commit step of every change: the next change number (a new session's is 1) and a new ETag.
    /// <paramref name="next"/> is a clone of the stored session, or a new one whose change number is 0.
    /// </summary>
    internal static void Commit(Session next)
    {
        next.ChangeNumber += Faults.Active(FaultKind.ChangeNumberFrozen) && next.ChangeNumber > 0 ? 0 : 1;
        next.ETag = ETags.New();
    }

    private Outcome Delete(SessionKey key, Principal principal, Conditions conditions, bool needsServer, Action<Session, Principal> remove) =>
        Run(key, live =>
        {
            var now = time.GetUtcNow();
            AccessRules.CheckDelete(principal, needsServer);
            if (live is null)
            {
                throw new MpsdError(404, "session not found");
            }
            Preconditions.Check(live, conditions);
            AccessRules.CheckWrite(live, principal);
            var next = live.Clone();
            remove(next, principal);
            if (next.Members.Count == 0)
            {
                if (next.Timeout("sessionEmptyTimeout", 0) == 0 || Faults.Active(FaultKind.EmptyTimeoutIgnored))
                {
                    if (Faults.Active(FaultKind.LastLeaveAnswers200))
                    {
                        Commit(next);
                        return (null, new Outcome(200, next, Now: now));
                    }
                    return (null, new Outcome(204, WithBody: false, Now: now));
                }
                next.EmptySince ??= now;
            }
            Commit(next);
            return (next, new Outcome(200, next, Now: now));
        });

    /// <summary>Applies lazy timers, then the operation; errors answer without changing what is stored.</summary>
    private Outcome Run(SessionKey key, Func<Session?, (Session? Keep, Outcome Result)> operation) =>
        store.WithSession(key, current =>
        {
            var live = Timers.Apply(current, time.GetUtcNow());
            try
            {
                return operation(live);
            }
            catch (MpsdError e)
            {
                return (live, Outcome.Error(e, time.GetUtcNow()));
            }
        }, () => new Outcome(503, Text: "too many sessions stored; retry later", Now: time.GetUtcNow()));

    private static Session NewSession((string Scid, string Template, string Name) names, TemplateConfig template, DateTimeOffset now) => new()
    {
        Scid = names.Scid,
        Template = names.Template,
        Name = names.Name,
        ContractVersion = template.ContractVersion,
        Constants = MergeRules.Normalize((JsonObject)template.Constants.DeepClone()),
        StartTime = now,
    };

    /// <summary>Applies a request body section by section, in the documented order, to the clone.</summary>
    private static void Apply(Session next, JsonObject body, Principal principal, bool creating, DateTimeOffset now)
    {
        if (body["constants"] is JsonObject constants)
        {
            MergeRules.ApplyConstants(next.Constants, constants, creating ? "is fixed by the session template" : "is fixed once the session exists", allowNew: creating);
        }
        if (body["properties"] is JsonObject properties)
        {
            if (properties["system"] is JsonObject system && system.ContainsKey("keywords") && next.Visibility == "private"
                && !Faults.Active(FaultKind.KeywordsOnPrivateAccepted))
            {
                throw new MpsdError(400, "/properties/system/keywords: keywords cannot be set on a private session");
            }
            MergeRules.MergeBag(next.Properties, properties, member: false);
        }
        if (body["members"] is JsonObject members)
        {
            foreach (var (name, value) in Faults.Active(FaultKind.ReservationsReversed) ? Faults.ReservationsReversed(members) : members)
            {
                MemberWrites.Apply(next, name, value, principal, creating, now);
            }
        }
        if (body["servers"] is JsonObject servers)
        {
            AccessRules.CheckServersWrite(principal);
            foreach (var (name, value) in servers)
            {
                ServerWrites.Apply(next, name, value as JsonObject);
            }
        }
        ServerWrites.DropUnmatchedHost(next);
    }
}
