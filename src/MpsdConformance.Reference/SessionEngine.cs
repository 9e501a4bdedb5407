using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;

namespace MpsdConformance.Reference;

/// <summary>What an operation answers: a status, and a session to render or a text/plain message.</summary>
internal sealed record Outcome(int Status, Session? Session = null, string? Text = null, bool WithBody = true, DateTimeOffset Now = default, bool PropertyBagOnly = false)
{
    public static Outcome Error(MpsdError e, DateTimeOffset now) => new(e.Status, e.Session, e.Session is null ? e.Message : null, Now: now);
}

/// <summary>The precondition headers of a request.</summary>
internal sealed record Conditions(string? IfMatch, string? IfNoneMatch);

/// <summary>
/// The documented session semantics. Every operation runs under the session's lock, works on a clone, and
/// commits only when it succeeds, so a refused request never changes stored state.
/// </summary>
internal sealed class SessionEngine(SessionStore store, TimeProvider time, int retryAfterSeconds, Readings readings)
{
    // Per template (a configuration's, or one made for a request): its normalized constants, frozen once and shared.
    private readonly ConditionalWeakTable<TemplateConfig, TemplateConstants> _templateConstants = new();

    public int RetryAfterSeconds { get; } = retryAfterSeconds;

    public Outcome Get(SessionKey key, Principal principal, string? ifNoneMatch) =>
        Run(key, live =>
        {
            var now = time.GetUtcNow();
            if (live is null)
            {
                if (Faults.Active(FaultKind.MissingSession200))
                {
                    return (null, new Outcome(200, WithBody: false, Now: now));
                }
                return readings.MissingSessionStatus == 404
                    ? throw new MpsdError(404, "the requested session wasn't found")
                    : (null, new Outcome(204, WithBody: false, Now: now));
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
                return readings.MissingSessionPropertiesWithoutBody
                    ? (null, new Outcome(404, WithBody: false, Now: now))
                    : throw new MpsdError(404, "session not found: PUT .../properties never creates a session");
            }
            Preconditions.Check(live, conditions);
            if (live is null && !principal.HasMultiplayerPrivilege && !Faults.Active(FaultKind.PrivilegeIgnored))
            {
                throw new MpsdError(403, "creating a session needs the multiplayer privilege, which this user has not got");
            }
            if (live is not null)
            {
                AccessRules.CheckWrite(live, principal);
                if (propertiesOnly)
                {
                    AccessRules.CheckPropertiesWrite(live, principal);
                }
                Faults.CheckUpdate(live, body);
            }
            var creating = live is null;
            var next = live?.Clone() ?? NewSession(names, template, principal, now, bringsConstants: body["constants"] is JsonObject);
            if (creating && body["constants"] is JsonObject && Faults.Active(FaultKind.TemplateConstantsDropped))
            {
                next.Constants = Bags.Empty();
            }
            Apply(next, body, principal, creating, now);
            if (!creating && readings.PrivilegeNeededToJoin && !principal.HasMultiplayerPrivilege
                && live!.MemberByXuid(principal.Xuid!) is null && next.MemberByXuid(principal.Xuid!) is not null)
            {
                // PRIVILEGE-403, join-too: joining someone else's session needs the privilege as creating one does.
                throw new MpsdError(403, "joining a session needs the multiplayer privilege, which this user has not got");
            }
            Initialization.AfterWrite(live, next, creating, now);
            Ownership.CheckPolicies(next);
            if (creating)
            {
                Ownership.Establish(next);
            }
            else if (Ownership.Reconcile(next))
            {
                return (noCommit ? live : null, EndedByOwnership(next, now));
            }

            if (next.Members.Count == 0 && !(creating && Faults.Active(FaultKind.EmptyCreateStored)))
            {
                var emptyTimeout = Faults.Active(FaultKind.EmptyTimeoutIgnored) ? 0 : next.EmptyTimeout;
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
            var status = propertiesOnly && readings.PropertiesAnswer204 ? 204 : 200;
            var bagOnly = propertiesOnly && readings.PropertiesAnswerBagOnly;
            if (next.Fingerprint() == live!.Fingerprint())
            {
                // A write that changes nothing: the ETag and changeNumber stay, unless the readings say otherwise.
                if (noCommit || !(readings.NewETagOnNoOp || readings.ChangeNumberOnNoOp))
                {
                    return (live, new Outcome(status, live, WithBody: status == 200, Now: now, PropertyBagOnly: bagOnly));
                }
                var touched = live.Clone();
                touched.ChangeNumber += readings.ChangeNumberOnNoOp ? 1 : 0;
                touched.ETag = readings.NewETagOnNoOp ? ETags.New(readings.BareETags) : live.ETag;
                return (touched, new Outcome(status, touched, WithBody: status == 200, Now: now, PropertyBagOnly: bagOnly));
            }
            Commit(next);
            return (noCommit ? live : next, new Outcome(status, next, WithBody: status == 200, Now: now, PropertyBagOnly: bagOnly));
        });

    public Outcome DeleteMe(SessionKey key, Principal principal, Conditions conditions) =>
        Delete(key, principal, conditions, DeleteOf.Me, (session, p) =>
        {
            var member = p.Xuid is null ? null : session.MemberByXuid(p.Xuid);
            if (member is null)
            {
                if (Faults.Active(FaultKind.NonMemberDeleteRemovesFirst))
                {
                    session.Members.Remove(0);
                    return null;
                }
                return "the caller is not a member of this session";
            }
            session.Members.Remove(member.Index);
            return null;
        });

    public Outcome DeleteMember(SessionKey key, Principal principal, Conditions conditions, int index) =>
        Delete(key, principal, conditions, DeleteOf.Member, (session, _) =>
            Faults.Active(FaultKind.DeleteByIndexIgnored) || session.Members.Remove(index) ? null : $"no member with index {index}");

    public Outcome DeleteServer(SessionKey key, Principal principal, Conditions conditions, string name) =>
        Delete(key, principal, conditions, DeleteOf.Server, (session, _) =>
            session.Servers.Remove(name) ? null : $"no server named {name}");

    /// <summary>
    /// The one commit step of every change: the next change number (a new session's is 1) and a new ETag.
    /// <paramref name="next"/> is a clone of the stored session, or a new one whose change number is 0.
    /// </summary>
    internal static void Commit(Session next)
    {
        next.ChangeNumber += Faults.Active(FaultKind.ChangeNumberFrozen) && next.ChangeNumber > 0 ? 0 : 1;
        next.ETag = ETags.New(next.Readings.BareETags);
    }

    /// <summary>
    /// A DELETE of an element. <paramref name="remove"/> removes it from the clone, or returns why it is not
    /// there: then the session is unchanged and the answer follows DELETE-MISSING-ELEMENT's reading.
    /// </summary>
    private Outcome Delete(SessionKey key, Principal principal, Conditions conditions, DeleteOf what, Func<Session, Principal, string?> remove) =>
        Run(key, live =>
        {
            var now = time.GetUtcNow();
            LargeSessions.CheckDelete(live, what);
            AccessRules.CheckDelete(live, principal, what);
            if (live is null)
            {
                throw new MpsdError(404, "session not found");
            }
            Preconditions.Check(live, conditions);
            AccessRules.CheckWrite(live, principal);
            var next = live.Clone();
            if (remove(next, principal) is { } missing)
            {
                return readings.MissingElementStatus switch
                {
                    204 => (live, new Outcome(204, WithBody: false, Now: now)),
                    200 => (live, new Outcome(200, live, Now: now)),
                    _ => throw new MpsdError(404, missing),
                };
            }
            Initialization.AfterWrite(live, next, creating: false, now);
            if (Ownership.Reconcile(next))
            {
                return (null, EndedByOwnership(next, now));
            }
            if (next.Members.Count == 0)
            {
                if (next.EmptyTimeout == 0 || Faults.Active(FaultKind.EmptyTimeoutIgnored))
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

    /// <summary>
    /// OWNERS-MIGRATION: the last owner left a hasOwners session under migration endsession, so the session ends for
    /// everyone. The request that ended it answers 204, as a write whose own effect deletes the session does, or,
    /// under the 200-then-ended reading, 200 with the session as the write left it (a request that removed
    /// everyone answers 204 either way).
    /// </summary>
    private Outcome EndedByOwnership(Session next, DateTimeOffset now)
    {
        if (next.Members.Count == 0 || !readings.EndedSessionAnswers200)
        {
            return new Outcome(204, WithBody: false, Now: now);
        }
        Commit(next);
        return new Outcome(200, next, Now: now);
    }

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

    /// <summary>
    /// A new session starts with its template's constants, shared with every session made from the template until a
    /// write copies them: with the defaults filled in, unless the creating body brings constants (they merge first).
    /// </summary>
    private Session NewSession((string Scid, string Template, string Name) names, TemplateConfig template, Principal creator, DateTimeOffset now,
        bool bringsConstants) => new()
    {
        Scid = names.Scid,
        Template = names.Template,
        Name = names.Name,
        ContractVersion = template.ContractVersion,
        SharedConstants = bringsConstants ? TemplateConstantsOf(template).AsWritten : TemplateConstantsOf(template).WithDefaults,
        StartTime = now,
        NextIndex = readings.FirstMemberIndex,
        Readings = readings,
        Creator = creator.Xuid,
    };

    private TemplateConstants TemplateConstantsOf(TemplateConfig template) =>
        _templateConstants.GetValue(template, t =>
        {
            var asWritten = MergeRules.Normalize((JsonObject)t.Constants.DeepClone());
            var withDefaults = (JsonObject)asWritten.DeepClone();
            MergeRules.FillDefaults(withDefaults, readings);
            return new TemplateConstants(new SharedBag(asWritten), new SharedBag(withDefaults));
        });

    /// <summary>A template's constants as written (normalized), and with the defaults a new session shows filled in.</summary>
    private sealed record TemplateConstants(SharedBag AsWritten, SharedBag WithDefaults);

    /// <summary>Applies a request body section by section, in the documented order, to the clone.</summary>
    private void Apply(Session next, JsonObject body, Principal principal, bool creating, DateTimeOffset now)
    {
        if (body["constants"] is JsonObject constants)
        {
            if (creating)
            {
                MergeRules.ApplyConstants(next.Constants, constants, "is fixed by the session template", allowNew: true);
            }
            else
            {
                MergeRules.ApplySessionConstantsAfterCreation(next.Constants, constants, readings);
            }
        }
        if (creating)
        {
            MergeRules.FillDefaults(next, readings);
        }
        LargeSessions.CheckWrite(next, body);
        if (body["properties"] is JsonObject properties)
        {
            if (properties["system"] is JsonObject system && system.ContainsKey("keywords") && next.Visibility == "private"
                && !Faults.Active(FaultKind.KeywordsOnPrivateAccepted))
            {
                throw new MpsdError(readings.KeywordsOnPrivateStatus, "/properties/system/keywords: keywords cannot be set on a private session");
            }
            Initialization.Decide(next, properties, now);
            MergeRules.MergeBag(next.Properties, properties, member: false, readings);
        }
        if (body["members"] is JsonObject members)
        {
            MemberWrites.CheckReservationKeys(members, readings);
            var ordered = MemberWrites.InWriteOrder(members, readings);
            foreach (var (name, value) in Faults.Active(FaultKind.ReservationsReversed) ? Faults.ReservationsReversed(ordered) : ordered)
            {
                MemberWrites.Apply(next, name, value, principal, creating, now);
            }
        }
        if (readings.ImplicitJoin && principal.Xuid is { } xuid && body["members"]?.AsObject().ContainsKey("me") != true && next.MemberByXuid(xuid) is null)
        {
            // MEMBER-JOIN-ME, implicit-join: any PUT by a user adds that user, as members.me: {} would.
            MemberWrites.Apply(next, "me", new JsonObject(), principal, creating, now);
        }
        if (body["servers"] is JsonObject servers)
        {
            AccessRules.CheckServersWrite(next, principal);
            foreach (var (name, value) in servers)
            {
                ServerWrites.Apply(next, name, value as JsonObject);
            }
        }
        ServerWrites.DropUnmatchedHost(next);
    }
}
