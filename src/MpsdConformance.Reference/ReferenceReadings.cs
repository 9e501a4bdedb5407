namespace MpsdConformance.Reference;

/// <summary>One reading of an ambiguous point, and what the reference server does under it.</summary>
/// <param name="Id">The reading's ID, as the ledger names it (e.g. <c>404</c>).</param>
/// <param name="Behaviour">What the reference server does when this reading is chosen.</param>
public sealed record SwitchReading(string Id, string Behaviour);

/// <summary>A switch of the reference server: one ambiguity of the ledger and every reading it may take.</summary>
/// <param name="Requirement">The ledger requirement whose ambiguity this is.</param>
/// <param name="Readings">Every reading, the reference one first.</param>
public sealed record ReadingSwitch(string Requirement, IReadOnlyList<SwitchReading> Readings)
{
    /// <summary>The reading the reference server takes unless told otherwise (the ledger marks it <c>"reference": true</c>).</summary>
    public string Reference => Readings[0].Id;

    /// <summary>The reading IDs, the reference one first.</summary>
    public IEnumerable<string> Ids => Readings.Select(r => r.Id);
}

/// <summary>
/// The readings the reference server can take where the docs are silent or contradict each other: one switch
/// per ambiguity of the ledger (<c>schemas/requirements.json</c>), each able to take every reading the ledger
/// lists. A self-test keeps the two in step. <see cref="ReferenceOptions.Readings"/> chooses; every
/// requirement left out keeps its reference reading.
/// </summary>
public static class ReferenceReadings
{
    /// <summary>The name of the coherent set that flips every switch (<see cref="Alternative"/>).</summary>
    public const string AlternativeName = "alt";

    /// <summary>The name of the default set (<see cref="Reference"/>).</summary>
    public const string ReferenceName = "reference";

    /// <summary>Every switch, in ledger order.</summary>
    public static IReadOnlyList<ReadingSwitch> Switches { get; } =
    [
        Switch("HDR-CONTRACT-VERSION",
            ("400", "a missing, non-numeric or below-104 X-Xbl-Contract-Version gets 400 text/plain"),
            ("200-ignored", "the header is not enforced: such a request is served under the template's contract"),
            ("404", "such a request gets 404 text/plain, as an unknown resource")),
        Switch("PUT-CREATE-201",
            ("any-string", "any session name is accepted"),
            ("guid-only", "a session name that is not a GUID gets 400 text/plain on every method")),
        Switch("PUT-IDEMPOTENT",
            ("200", "constants identical to the stored ones are accepted as a no-op"),
            ("409", "a session constant identical to the stored one gets 409 too (a new one is CONST-FIXED-409's question)")),
        Switch("BODY-TOPLEVEL-ALLOWED",
            ("role-settings-too", "a top-level roleTypes (mutable role settings) is accepted"),
            ("four-members", "a top-level roleTypes gets 400 like any other extra member")),
        Switch("MERGE-CUSTOM-KEYS",
            ("top-level-keys", "custom is merged key by key, null removes a key, nested values replace the stored one whole"),
            ("deep-merge", "custom objects are merged key by key at every depth, null removes a key at any depth"),
            ("null-stored", "custom is merged key by key and a null value is stored as JSON null")),
        Switch("CONST-FIXED-409",
            ("409", "a session constant added after creation gets 409"),
            ("200", "a session constant added after creation is stored"),
            ("400", "a session constant added after creation gets 400")),
        Switch("CONST-SYSTEM-SCHEMA",
            ("400", "an unknown key under constants.system gets 400"),
            ("ignored", "an unknown key under constants.system is dropped without an error")),
        Switch("CONST-MAXMEMBERS-RANGE",
            ("10000", "a large session's maxMembersCount goes up to 10,000"),
            ("1000", "a large session's maxMembersCount above 1000 gets 400"),
            ("no-cap", "a large session's maxMembersCount has no upper limit")),
        Switch("CONST-TIMEOUT-VALUES",
            ("default-0", "a new session without inactiveRemovalTimeout shows it as 0"),
            ("default-2h", "a new session without inactiveRemovalTimeout shows it as 7200000 (2 hours)")),
        Switch("CONST-CAPABILITIES-FLAGS",
            ("400", "a forbidden combination of capabilities, or ownershipPolicies without hasOwners, gets 400"),
            ("409", "a forbidden combination of capabilities, or ownershipPolicies without hasOwners, gets 409")),
        Switch("CONST-MEMBER-INIT-SHAPE",
            ("zero-allowed", "memberInitialization.membersNeededToStart 0 is accepted"),
            ("one-minimum", "memberInitialization.membersNeededToStart 0 gets 400")),
        Switch("CONST-HOST-METRIC-VALUES",
            ("four-values", "hostSelectionMetric bandwidth is accepted beside bandwidthup, bandwidthdown and latency (any case)"),
            ("three-values", "hostSelectionMetric bandwidth gets 400")),
        Switch("CONST-INVITE-PROTOCOL-VALUES",
            ("with-party", "inviteProtocol party is accepted beside game, tournamentgame, chat and gameparty"),
            ("const-list", "inviteProtocol party gets 400")),
        Switch("PROPS-SYSTEM-SCHEMA",
            ("400", "an unknown key under properties.system gets 400"),
            ("ignored", "an unknown key under properties.system is dropped without an error")),
        Switch("PROPS-KEYWORDS-PRIVATE",
            ("400", "keywords on a private session get 400"),
            ("409", "keywords on a private session get 409")),
        Switch("PROPS-RESTRICTION-VALUES",
            ("null-refused", "a null joinRestriction or readRestriction gets 400"),
            ("null-removes", "a null joinRestriction or readRestriction removes the field, as null removes a custom key")),
        Switch("PROPS-HOST-MUST-MATCH",
            ("non-string-refused", "a host that is not a string gets 400"),
            ("non-string-dropped", "a host that is not a string is dropped like any host that matches no member's device token")),
        Switch("MEMBER-XUID-STRING",
            ("string", "a member's xuid written as a JSON number gets 400"),
            ("number-accepted", "a member's xuid written as a JSON number is accepted (and stored as the decimal string)")),
        Switch("MEMBER-SYSTEM-SCHEMA",
            ("400", "an unknown key under a member's constants.system or properties.system gets 400"),
            ("ignored", "an unknown key under a member's constants.system or properties.system is dropped without an error")),
        Switch("MEMBER-INIT-GROUP-INTS",
            ("both", "initializationGroup and group are both accepted; answers use initializationGroup"),
            ("initialization-group", "group gets 400; initializationGroup is accepted"),
            ("group", "initializationGroup gets 400; group is accepted and answered")),
        Switch("MEMBER-SUBSCRIPTIONS-SHAPE",
            ("both", "the subscriptions map and the subscription object are both accepted"),
            ("subscriptions-map", "the subscription object gets 400"),
            ("subscription-object", "the subscriptions map gets 400")),
        Switch("MEMBER-READY-ACTIVE-EXCLUSIVE",
            ("400", "ready and active both true get 400"),
            ("409", "ready and active both true get 409")),
        Switch("MEMBER-JOIN-ME",
            ("explicit-join", "only members.me joins"),
            ("implicit-join", "a PUT by a user who is no member and does not name members.me adds that user, as members.me: {} would")),
        Switch("MEMBER-INDEX-ASSIGN",
            ("start-0", "the first member of a new session gets index 0"),
            ("start-1", "the first member of a new session gets index 1")),
        Switch("MEMBER-DELETE-INDEX",
            ("service-principal", "only the server principal removes another member by index; a user gets 403"),
            ("owners-too", "in a session with capabilities.hasOwners, its owners (properties.system.owners) may remove other members by index too")),
        Switch("TIMER-INACTIVE-REMOVAL",
            ("off", "an inactiveRemovalTimeout of 0 (the contract-107 default) removes nobody: members start inactive, so 0 turns the timer off"),
            ("after-activity", "an inactiveRemovalTimeout of 0 removes a member as soon as it stops being active or ready; one that never was stays")),
        Switch("TIMER-MEMBER-REMOVAL",
            ("removed", "a member still ready when readyRemovalTimeout runs out is removed"),
            ("reverts-inactive", "a member still ready when readyRemovalTimeout runs out stays, no longer ready")),
        Switch("RESERVE-ORDER",
            ("400", "reserve_<n> keys of a write not numbered 0, 1, 2 ... get 400"),
            ("accepted-in-order", "reserve_<n> keys with gaps or a non-zero start are accepted and appended in key order")),
        Switch("SESSION-FULL",
            ("403", "a join or reservation past maxMembersCount gets 403"),
            ("409", "a join or reservation past maxMembersCount gets 409"),
            ("400", "a join or reservation past maxMembersCount gets 400")),
        Switch("SERVERS-PRINCIPAL-ONLY",
            ("server-principal-only", "only the server principal writes or deletes servers"),
            ("open-session-users", "users may also write and delete servers of an open session")),
        Switch("DELETE-MISSING-ELEMENT",
            ("404", "DELETE of a member or server missing from an existing session gets 404 text/plain"),
            ("204", "it gets 204 without a body"),
            ("200-unchanged", "it gets 200 with the unchanged session")),
        Switch("ETAG-PRESENT",
            ("quoted", "ETags are quoted strong entity tags"),
            ("bare", "ETags are bare uppercase tokens, without quotes")),
        Switch("ETAG-CHANGES",
            ("unchanged", "a write that changes nothing keeps the ETag"),
            ("new-etag", "every accepted write issues a new ETag")),
        Switch("CHANGENUMBER-INCREMENT",
            ("unchanged", "a write that changes nothing keeps the changeNumber"),
            ("plus-one", "every accepted write adds one to changeNumber")),
        Switch("GET-MISSING",
            ("204", "GET of a missing session gets 204"),
            ("404", "GET of a missing session gets 404 text/plain")),
        Switch("PROPSRES-MISSING-404",
            ("text-message", "PUT .../properties of a missing session gets 404 with a text/plain message"),
            ("empty", "PUT .../properties of a missing session gets 404 without a body")),
        Switch("PROPSRES-SAME-AS-PUT",
            ("allowed", "a user who is no member may PUT .../properties of an open session"),
            ("member-only", "a user who is no member gets 403 from PUT .../properties")),
        Switch("PROPSRES-STATUS",
            ("200", "PUT .../properties answers 200 with the session"),
            ("204", "PUT .../properties answers 204 without a body (the ETag still sent)"),
            ("200-properties", "PUT .../properties answers 200 with the session's property bag {system, custom} alone")),
        Switch("PRIVILEGE-403",
            ("create-only", "a user without the multiplayer privilege gets 403 creating a session, and may join one someone else created"),
            ("join-too", "such a user gets 403 joining an existing session too (any write that would make them a member)")),
        Switch("TIMER-SESSION-EMPTY",
            ("default-0", "an empty session whose template leaves sessionEmptyTimeout unset is deleted at once"),
            ("unset-never", "an empty session whose template leaves sessionEmptyTimeout unset lives on")),
        Switch("OWNERS-MIGRATION",
            ("204", "the leave that ends a session (its last owner gone, migration endsession) answers 204 without a body"),
            ("200-then-ended", "the leave that ends a session answers 200 with the session as the leave left it; the session is gone by the next request")),
        Switch("LARGE-ME-ONLY",
            ("400", "a write setting a field large sessions do not support (turn, host, joinRestriction other than none ...) gets 400"),
            ("409", "a write setting a field large sessions do not support gets 409, like a change to another member")),
        Switch("INIT-QOS-HOST-CANDIDATES",
            ("meeting-requirements", "hostCandidates lists only the members whose measurements meet peerToHostRequirements"),
            ("every-member", "hostCandidates lists every measured member, ranked by hostSelectionMetric alone")),
        Switch("INIT-HOST-SELECTION-METRIC",
            ("toward-candidate", "a candidate is ranked (and judged) by the measurements the other members uploaded toward its device token"),
            ("from-candidate", "a candidate is ranked (and judged) by its own measurements toward the other members")),
        Switch("INIT-SUCCEEDED-EVALUATING",
            ("400", "initializationSucceeded written while the stage is not evaluating gets 400"),
            ("409", "initializationSucceeded written while the stage is not evaluating gets 409"),
            ("dropped", "initializationSucceeded written while the stage is not evaluating is dropped: the write succeeds and nothing changes")),
        Switch("RESP-TIMESTAMP-FORMAT",
            ("seven-digits", "timestamps have seven fractional digits"),
            ("any-iso-utc", "timestamps are whole seconds")),
        Switch("RESP-MEMBERSINFO-SHAPE",
            ("present-empty", "a session without members shows members {} and membersInfo with count 0"),
            ("absent", "a session without members shows neither members nor membersInfo")),
        Switch("RESP-MEMBER-FIELDS",
            ("roster-link", "the caller's entry of a large session (keyed me) links to the member after it in the whole roster, or to membersInfo.next"),
            ("list-end", "the caller's entry of a large session links to membersInfo.next: the one-entry list shown ends there"),
            ("omitted", "the caller's entry of a large session has no next link")),
        Switch("RESP-XUID-STRING",
            ("string", "answers write xuids as decimal strings"),
            ("number", "answers write member and initiator xuids as JSON numbers")),
        Switch("RESP-LINKED-LIST",
            ("not-reserved", "a reservation shows reserved: true and accepted counts the others"),
            ("not-pending", "a reservation shows pending: true (the old name) and accepted counts the others")),
        Switch("CONTRACT-VERSION-ECHO",
            ("template-version", "answers report and use the template's contract version"),
            ("request-version", "answers report the request's contract version and, for 104 and 105, use their names (timeouts, managedInitialization)")),
        Switch("RESP-INITIALIZING-SHAPE",
            ("episode-kept", "when episode 1 fails (initializing.stage failed) its members keep initializationEpisode"),
            ("episode-removed", "when episode 1 fails its members lose initializationEpisode, as when an episode ends")),
    ];

    /// <summary>Every requirement's reference reading: what the server does by default.</summary>
    public static IReadOnlyDictionary<string, string> Reference { get; } =
        Switches.ToDictionary(s => s.Requirement, s => s.Reference, StringComparer.Ordinal);

    /// <summary>
    /// A non-reference reading for every switch, chosen so the combination is a coherent server. Pair avoided:
    /// PUT-IDEMPOTENT=409 (identical constants refused) with CONST-FIXED-409=200 (new constants stored), so
    /// CONST-FIXED-409 takes 400: every constant after creation is refused, identical ones as a conflict, new
    /// ones as a bad request. MEMBER-JOIN-ME=implicit-join with PROPSRES-SAME-AS-PUT=member-only cannot be
    /// avoided (each has one other reading) and is coherent: a session PUT adds the caller, while the
    /// properties sub-resource serves members only.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Alternative()
    {
        var preferred = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["HDR-CONTRACT-VERSION"] = "200-ignored",
            ["MERGE-CUSTOM-KEYS"] = "deep-merge",
            ["CONST-FIXED-409"] = "400",
            ["CONST-MAXMEMBERS-RANGE"] = "1000",
            ["MEMBER-INIT-GROUP-INTS"] = "group",
            ["MEMBER-SUBSCRIPTIONS-SHAPE"] = "subscription-object",
            ["SESSION-FULL"] = "409",
            ["DELETE-MISSING-ELEMENT"] = "204",
        };
        return Switches.ToDictionary(s => s.Requirement, s => preferred.GetValueOrDefault(s.Requirement) ?? s.Readings[1].Id, StringComparer.Ordinal);
    }

    /// <summary>A named set: <c>reference</c> or <c>alt</c>; anything else throws, naming the valid ones.</summary>
    public static IReadOnlyDictionary<string, string> Named(string name) => name switch
    {
        ReferenceName => Reference,
        AlternativeName => Alternative(),
        _ => throw new ReferenceConfigException($"unknown set of readings '{name}'; use {ReferenceName} or {AlternativeName}"),
    };

    /// <summary>
    /// <paramref name="start"/> (default: <see cref="Reference"/>) with each <c>REQUIREMENT-ID=READING</c> pair
    /// applied in order. A malformed pair, an unknown requirement or an unknown reading throws a
    /// <see cref="ReferenceConfigException"/> naming it and listing the valid ones.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Apply(IEnumerable<string> pairs, IReadOnlyDictionary<string, string>? start = null)
    {
        var chosen = new Dictionary<string, string>(Complete(start ?? Reference), StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == pair.Length - 1)
            {
                throw new ReferenceConfigException($"'{pair}' is not REQUIREMENT-ID=READING, e.g. GET-MISSING=404");
            }
            var (requirement, reading) = (pair[..equals].Trim(), pair[(equals + 1)..].Trim());
            Check(requirement, reading);
            chosen[requirement] = reading;
        }
        return chosen;
    }

    /// <summary>
    /// The full choice: <paramref name="chosen"/> with every requirement it leaves out at its reference
    /// reading. Throws a <see cref="ReferenceConfigException"/> on an unknown requirement or reading.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Complete(IReadOnlyDictionary<string, string> chosen)
    {
        var complete = new Dictionary<string, string>(Reference, StringComparer.Ordinal);
        foreach (var (requirement, reading) in chosen)
        {
            Check(requirement, reading);
            complete[requirement] = reading;
        }
        return complete;
    }

    /// <summary>The requirements whose reading differs from the reference one, as <c>ID=READING</c>, in ledger order.</summary>
    public static IReadOnlyList<string> Flipped(IReadOnlyDictionary<string, string> chosen) =>
        Switches.Where(s => chosen.TryGetValue(s.Requirement, out var reading) && reading != s.Reference)
            .Select(s => $"{s.Requirement}={chosen[s.Requirement]}")
            .ToList();

    private static void Check(string requirement, string reading)
    {
        var found = Switches.FirstOrDefault(s => s.Requirement == requirement)
            ?? throw new ReferenceConfigException(
                $"no reading switch for requirement '{requirement}'; the switches are: {string.Join(", ", Switches.Select(s => s.Requirement))}");
        if (!found.Ids.Contains(reading, StringComparer.Ordinal))
        {
            throw new ReferenceConfigException($"{requirement} has no reading '{reading}'; its readings are: {string.Join(", ", found.Ids)} (reference: {found.Reference})");
        }
    }

    private static ReadingSwitch Switch(string requirement, params (string Id, string Behaviour)[] readings) =>
        new(requirement, readings.Select(r => new SwitchReading(r.Id, r.Behaviour)).ToList());
}
