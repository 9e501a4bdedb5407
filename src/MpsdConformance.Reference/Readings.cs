namespace MpsdConformance.Reference;

/// <summary>How custom property objects merge (MERGE-CUSTOM-KEYS).</summary>
internal enum CustomMerge
{
    TopLevelKeys,
    Deep,
    NullStored,
}

/// <summary>Which keys name a member's initialization group (MEMBER-INIT-GROUP-INTS).</summary>
internal enum GroupKeys
{
    Both,
    InitializationGroup,
    Group,
}

/// <summary>What the caller's own entry of a large session shows as its next link (RESP-MEMBER-FIELDS).</summary>
internal enum LargeMeNext
{
    RosterLink,
    ListEnd,
    Omitted,
}

/// <summary>Which forms of member subscriptions are accepted (MEMBER-SUBSCRIPTIONS-SHAPE).</summary>
internal enum SubscriptionForms
{
    Both,
    Map,
    Object,
}

/// <summary>
/// The readings the server runs under, as the decisions the engine, the handler and the JSON writer consult
/// (one property per decision, each from one switch of <see cref="ReferenceReadings"/>). Building it maps every
/// reading of every switch to a behaviour, so a switch without an implementation fails at start, not silently.
/// </summary>
internal sealed class Readings
{
    private readonly IReadOnlyDictionary<string, string> _chosen;
    private readonly HashSet<string> _consulted = new(StringComparer.Ordinal);

    public Readings(IReadOnlyDictionary<string, string> chosen)
    {
        _chosen = ReferenceReadings.Complete(chosen);
        MissingContractVersionStatus = Pick<int?>("HDR-CONTRACT-VERSION", ("400", 400), ("200-ignored", null), ("404", 404));
        GuidNamesOnly = Pick("PUT-CREATE-201", ("any-string", false), ("guid-only", true));
        ConstantsFixedEvenIdentical = Pick("PUT-IDEMPOTENT", ("200", false), ("409", true));
        RoleSettingsAtTopLevel = Pick("BODY-TOPLEVEL-ALLOWED", ("role-settings-too", true), ("four-members", false));
        CustomMerge = Pick("MERGE-CUSTOM-KEYS", ("top-level-keys", CustomMerge.TopLevelKeys), ("deep-merge", CustomMerge.Deep), ("null-stored", CustomMerge.NullStored));
        NewConstantStatus = Pick<int?>("CONST-FIXED-409", ("409", 409), ("200", null), ("400", 400));
        IgnoreUnknownConstantsSystem = Pick("CONST-SYSTEM-SCHEMA", ("400", false), ("ignored", true));
        LargeSessionCap = Pick<long?>("CONST-MAXMEMBERS-RANGE", ("10000", 10_000), ("1000", 1_000), ("no-cap", null));
        DefaultInactiveRemovalTimeout = Pick("CONST-TIMEOUT-VALUES", ("default-0", 0L), ("default-2h", 7_200_000L));
        CapabilityConflictStatus = Pick("CONST-CAPABILITIES-FLAGS", ("400", 400), ("409", 409));
        MinMembersNeededToStart = Pick("CONST-MEMBER-INIT-SHAPE", ("zero-allowed", 0L), ("one-minimum", 1L));
        BandwidthHostMetric = Pick("CONST-HOST-METRIC-VALUES", ("four-values", true), ("three-values", false));
        PartyInviteProtocol = Pick("CONST-INVITE-PROTOCOL-VALUES", ("with-party", true), ("const-list", false));
        IgnoreUnknownPropertiesSystem = Pick("PROPS-SYSTEM-SCHEMA", ("400", false), ("ignored", true));
        KeywordsOnPrivateStatus = Pick("PROPS-KEYWORDS-PRIVATE", ("400", 400), ("409", 409));
        NumericMemberXuids = Pick("MEMBER-XUID-STRING", ("string", false), ("number-accepted", true));
        IgnoreUnknownMemberSystem = Pick("MEMBER-SYSTEM-SCHEMA", ("400", false), ("ignored", true));
        GroupKeys = Pick("MEMBER-INIT-GROUP-INTS", ("both", GroupKeys.Both), ("initialization-group", GroupKeys.InitializationGroup), ("group", GroupKeys.Group));
        Subscriptions = Pick("MEMBER-SUBSCRIPTIONS-SHAPE", ("both", SubscriptionForms.Both), ("subscriptions-map", SubscriptionForms.Map), ("subscription-object", SubscriptionForms.Object));
        ReadyAndActiveStatus = Pick("MEMBER-READY-ACTIVE-EXCLUSIVE", ("400", 400), ("409", 409));
        ImplicitJoin = Pick("MEMBER-JOIN-ME", ("explicit-join", false), ("implicit-join", true));
        FirstMemberIndex = Pick("MEMBER-INDEX-ASSIGN", ("start-0", 0), ("start-1", 1));
        OwnersRemoveMembers = Pick("MEMBER-DELETE-INDEX", ("service-principal", false), ("owners-too", true));
        ZeroInactiveTimeoutAfterActivity = Pick("TIMER-INACTIVE-REMOVAL", ("off", false), ("after-activity", true));
        ReadyTimeoutRevertsToInactive = Pick("TIMER-MEMBER-REMOVAL", ("removed", false), ("reverts-inactive", true));
        LenientReservationKeys = Pick("RESERVE-ORDER", ("400", false), ("accepted-in-order", true));
        FullSessionStatus = Pick("SESSION-FULL", ("403", 403), ("409", 409), ("400", 400));
        UsersWriteServersOfOpenSessions = Pick("SERVERS-PRINCIPAL-ONLY", ("server-principal-only", false), ("open-session-users", true));
        MissingElementStatus = Pick("DELETE-MISSING-ELEMENT", ("404", 404), ("204", 204), ("200-unchanged", 200));
        BareETags = Pick("ETAG-PRESENT", ("quoted", false), ("bare", true));
        NewETagOnNoOp = Pick("ETAG-CHANGES", ("unchanged", false), ("new-etag", true));
        ChangeNumberOnNoOp = Pick("CHANGENUMBER-INCREMENT", ("unchanged", false), ("plus-one", true));
        MissingSessionStatus = Pick("GET-MISSING", ("204", 204), ("404", 404));
        MissingSessionPropertiesWithoutBody = Pick("PROPSRES-MISSING-404", ("text-message", false), ("empty", true));
        PropertiesNeedMembership = Pick("PROPSRES-SAME-AS-PUT", ("allowed", false), ("member-only", true));
        PropertiesAnswer204 = Pick("PROPSRES-STATUS", ("200", false), ("204", true), ("200-properties", false));
        PropertiesAnswerBagOnly = Pick("PROPSRES-STATUS", ("200", false), ("204", false), ("200-properties", true));
        NullRestrictionRemoves = Pick("PROPS-RESTRICTION-VALUES", ("null-refused", false), ("null-removes", true));
        NonStringHostDropped = Pick("PROPS-HOST-MUST-MATCH", ("non-string-refused", false), ("non-string-dropped", true));
        PrivilegeNeededToJoin = Pick("PRIVILEGE-403", ("create-only", false), ("join-too", true));
        UnsetEmptyTimeoutNeverExpires = Pick("TIMER-SESSION-EMPTY", ("default-0", false), ("unset-never", true));
        EndedSessionAnswers200 = Pick("OWNERS-MIGRATION", ("204", false), ("200-then-ended", true));
        LargeFieldStatus = Pick("LARGE-ME-ONLY", ("400", 400), ("409", 409));
        WholeSecondTimestamps = Pick("RESP-TIMESTAMP-FORMAT", ("seven-digits", false), ("any-iso-utc", true));
        OmitEmptyMembers = Pick("RESP-MEMBERSINFO-SHAPE", ("present-empty", false), ("absent", true));
        LargeMeNext = Pick("RESP-MEMBER-FIELDS", ("roster-link", LargeMeNext.RosterLink), ("list-end", LargeMeNext.ListEnd), ("omitted", LargeMeNext.Omitted));
        NumericXuidsInAnswers = Pick("RESP-XUID-STRING", ("string", false), ("number", true));
        PendingForReserved = Pick("RESP-LINKED-LIST", ("not-reserved", false), ("not-pending", true));
        AnswerInRequestContract = Pick("CONTRACT-VERSION-ECHO", ("template-version", false), ("request-version", true));
        HostCandidatesMeetingRequirementsOnly = Pick("INIT-QOS-HOST-CANDIDATES", ("meeting-requirements", true), ("every-member", false));
        HostMetricFromCandidate = Pick("INIT-HOST-SELECTION-METRIC", ("toward-candidate", false), ("from-candidate", true));
        InitializationSucceededOutsideEvaluatingStatus = Pick<int?>("INIT-SUCCEEDED-EVALUATING", ("400", 400), ("409", 409), ("dropped", null));
        FailedEpisodeKeepsMembersEpisode = Pick("RESP-INITIALIZING-SHAPE", ("episode-kept", true), ("episode-removed", false));
        var unwired = ReferenceReadings.Switches.Select(s => s.Requirement).Where(id => !_consulted.Contains(id)).ToList();
        if (unwired.Count > 0)
        {
            throw new InvalidOperationException($"reading switches without a behaviour: {string.Join(", ", unwired)}");
        }
    }

    /// <summary>The reference readings.</summary>
    public static Readings Reference { get; } = new(ReferenceReadings.Reference);

    /// <summary>Every requirement's chosen reading.</summary>
    public IReadOnlyDictionary<string, string> Chosen => _chosen;

    /// <summary>HDR-CONTRACT-VERSION: the status of a missing or too-low contract version; null serves it under the template's contract.</summary>
    public int? MissingContractVersionStatus { get; }

    /// <summary>PUT-CREATE-201: session names must be GUIDs.</summary>
    public bool GuidNamesOnly { get; }

    /// <summary>PUT-IDEMPOTENT: any session constant after creation is a 409, even one identical to the stored value.</summary>
    public bool ConstantsFixedEvenIdentical { get; }

    /// <summary>BODY-TOPLEVEL-ALLOWED: a top-level roleTypes is accepted.</summary>
    public bool RoleSettingsAtTopLevel { get; }

    /// <summary>MERGE-CUSTOM-KEYS.</summary>
    public CustomMerge CustomMerge { get; }

    /// <summary>CONST-FIXED-409: the status of a session constant added after creation; null stores it.</summary>
    public int? NewConstantStatus { get; }

    /// <summary>CONST-SYSTEM-SCHEMA: unknown keys under constants.system are dropped.</summary>
    public bool IgnoreUnknownConstantsSystem { get; }

    /// <summary>CONST-MAXMEMBERS-RANGE: the largest maxMembersCount of a large session; null for none.</summary>
    public long? LargeSessionCap { get; }

    /// <summary>CONST-TIMEOUT-VALUES: inactiveRemovalTimeout of a new session that leaves it unset, in ms.</summary>
    public long DefaultInactiveRemovalTimeout { get; }

    /// <summary>CONST-CAPABILITIES-FLAGS: the status of a forbidden combination of capabilities.</summary>
    public int CapabilityConflictStatus { get; }

    /// <summary>CONST-MEMBER-INIT-SHAPE: the smallest membersNeededToStart.</summary>
    public long MinMembersNeededToStart { get; }

    /// <summary>CONST-HOST-METRIC-VALUES: hostSelectionMetric bandwidth is accepted.</summary>
    public bool BandwidthHostMetric { get; }

    /// <summary>CONST-INVITE-PROTOCOL-VALUES: inviteProtocol party is accepted.</summary>
    public bool PartyInviteProtocol { get; }

    /// <summary>PROPS-SYSTEM-SCHEMA: unknown keys under properties.system are dropped.</summary>
    public bool IgnoreUnknownPropertiesSystem { get; }

    /// <summary>PROPS-KEYWORDS-PRIVATE: the status of keywords on a private session.</summary>
    public int KeywordsOnPrivateStatus { get; }

    /// <summary>MEMBER-XUID-STRING: a member xuid written as a JSON number is accepted.</summary>
    public bool NumericMemberXuids { get; }

    /// <summary>MEMBER-SYSTEM-SCHEMA: unknown keys under a member's system sections are dropped.</summary>
    public bool IgnoreUnknownMemberSystem { get; }

    /// <summary>MEMBER-INIT-GROUP-INTS.</summary>
    public GroupKeys GroupKeys { get; }

    /// <summary>MEMBER-SUBSCRIPTIONS-SHAPE.</summary>
    public SubscriptionForms Subscriptions { get; }

    /// <summary>MEMBER-READY-ACTIVE-EXCLUSIVE: the status of ready and active both true.</summary>
    public int ReadyAndActiveStatus { get; }

    /// <summary>MEMBER-JOIN-ME: any PUT by a user adds that user.</summary>
    public bool ImplicitJoin { get; }

    /// <summary>MEMBER-INDEX-ASSIGN: the index of a new session's first member.</summary>
    public int FirstMemberIndex { get; }

    /// <summary>MEMBER-DELETE-INDEX: the owner of a hasOwners session may remove other members.</summary>
    public bool OwnersRemoveMembers { get; }

    /// <summary>TIMER-INACTIVE-REMOVAL: an inactiveRemovalTimeout of 0 removes a member as soon as it stops being active or ready (else 0 is off).</summary>
    public bool ZeroInactiveTimeoutAfterActivity { get; }

    /// <summary>TIMER-MEMBER-REMOVAL: a member ready too long stays, no longer ready, instead of being removed.</summary>
    public bool ReadyTimeoutRevertsToInactive { get; }

    /// <summary>RESERVE-ORDER: reserve keys with gaps or a non-zero start are accepted, in key order.</summary>
    public bool LenientReservationKeys { get; }

    /// <summary>SESSION-FULL: the status of a join or reservation past maxMembersCount.</summary>
    public int FullSessionStatus { get; }

    /// <summary>SERVERS-PRINCIPAL-ONLY: users may write servers of an open session.</summary>
    public bool UsersWriteServersOfOpenSessions { get; }

    /// <summary>DELETE-MISSING-ELEMENT: 404, 204, or 200 with the unchanged session.</summary>
    public int MissingElementStatus { get; }

    /// <summary>ETAG-PRESENT: ETags without quotes.</summary>
    public bool BareETags { get; }

    /// <summary>ETAG-CHANGES: a write that changes nothing still issues a new ETag.</summary>
    public bool NewETagOnNoOp { get; }

    /// <summary>CHANGENUMBER-INCREMENT: a write that changes nothing still adds one to changeNumber.</summary>
    public bool ChangeNumberOnNoOp { get; }

    /// <summary>GET-MISSING: 204 or 404.</summary>
    public int MissingSessionStatus { get; }

    /// <summary>PROPSRES-MISSING-404: the 404 of PUT .../properties on a missing session has no body.</summary>
    public bool MissingSessionPropertiesWithoutBody { get; }

    /// <summary>PROPSRES-SAME-AS-PUT: PUT .../properties needs membership.</summary>
    public bool PropertiesNeedMembership { get; }

    /// <summary>PROPSRES-STATUS: PUT .../properties answers 204 without a body.</summary>
    public bool PropertiesAnswer204 { get; }

    /// <summary>PROPSRES-STATUS: PUT .../properties answers 200 with the property bag alone.</summary>
    public bool PropertiesAnswerBagOnly { get; }

    /// <summary>PROPS-RESTRICTION-VALUES: a null joinRestriction or readRestriction removes the field.</summary>
    public bool NullRestrictionRemoves { get; }

    /// <summary>PROPS-HOST-MUST-MATCH: a host that is not a string is dropped like any unmatched host.</summary>
    public bool NonStringHostDropped { get; }

    /// <summary>PRIVILEGE-403: a user without the multiplayer privilege may not join an existing session either.</summary>
    public bool PrivilegeNeededToJoin { get; }

    /// <summary>TIMER-SESSION-EMPTY: an unset sessionEmptyTimeout keeps empty sessions.</summary>
    public bool UnsetEmptyTimeoutNeverExpires { get; }

    /// <summary>OWNERS-MIGRATION: the leave that ends a session under migration endsession answers 200 with the session (else 204).</summary>
    public bool EndedSessionAnswers200 { get; }
    /// <summary>RESP-MEMBER-FIELDS: the next link of the caller's entry of a large session.</summary>
    public LargeMeNext LargeMeNext { get; }

    /// <summary>LARGE-ME-ONLY: the status of a write that sets a field large sessions do not support.</summary>
    public int LargeFieldStatus { get; }

    /// <summary>RESP-TIMESTAMP-FORMAT: timestamps in whole seconds.</summary>
    public bool WholeSecondTimestamps { get; }

    /// <summary>RESP-MEMBERSINFO-SHAPE: a session without members shows neither members nor membersInfo.</summary>
    public bool OmitEmptyMembers { get; }

    /// <summary>RESP-XUID-STRING: answers write xuids as numbers.</summary>
    public bool NumericXuidsInAnswers { get; }

    /// <summary>RESP-LINKED-LIST: reservations show pending: true instead of reserved: true.</summary>
    public bool PendingForReserved { get; }

    /// <summary>CONTRACT-VERSION-ECHO: answers follow the request's contract version.</summary>
    public bool AnswerInRequestContract { get; }

    /// <summary>INIT-QOS-HOST-CANDIDATES: hostCandidates lists only the members that meet peerToHostRequirements.</summary>
    public bool HostCandidatesMeetingRequirementsOnly { get; }

    /// <summary>INIT-HOST-SELECTION-METRIC: a candidate is judged by its own measurements toward the others, not theirs toward it.</summary>
    public bool HostMetricFromCandidate { get; }

    /// <summary>INIT-SUCCEEDED-EVALUATING: the status of initializationSucceeded written outside the evaluating stage; null drops it.</summary>
    public int? InitializationSucceededOutsideEvaluatingStatus { get; }

    /// <summary>RESP-INITIALIZING-SHAPE: after episode 1 fails its members keep initializationEpisode.</summary>
    public bool FailedEpisodeKeepsMembersEpisode { get; }

    /// <summary>The default sessionEmptyTimeout when a session leaves it unset: 0, or null (never).</summary>
    public long? DefaultSessionEmptyTimeout => UnsetEmptyTimeoutNeverExpires ? null : 0;

    // The behaviour of each reading of one switch; every reading of the switch must be mapped, no other.
    private T Pick<T>(string requirement, params (string Reading, T Value)[] behaviours)
    {
        var declared = ReferenceReadings.Switches.Single(s => s.Requirement == requirement).Ids.Order(StringComparer.Ordinal);
        if (!declared.SequenceEqual(behaviours.Select(b => b.Reading).Order(StringComparer.Ordinal)))
        {
            throw new InvalidOperationException($"{requirement}: the behaviours map {string.Join(", ", behaviours.Select(b => b.Reading))}, the switch has {string.Join(", ", declared)}");
        }
        _consulted.Add(requirement);
        return behaviours.Single(b => b.Reading == _chosen[requirement]).Value;
    }
}
