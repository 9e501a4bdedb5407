using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace MpsdConformance.Reference;

/// <summary>
/// A deliberate deviation of the reference server from one documented requirement: the decision point it
/// changes. <see cref="Faults.Catalogue"/> names each one and the requirement it breaks.
/// </summary>
public enum FaultKind
{
    /// <summary>A request without X-Xbl-Contract-Version ends in 500.</summary>
    ContractVersionUnchecked,

    /// <summary>A request without Authorization is served as an anonymous caller.</summary>
    AnonymousServed,

    /// <summary>The fixed path segments are matched case-sensitively.</summary>
    PathCaseSensitive,

    /// <summary>A create answers 200 instead of 201.</summary>
    CreateAnswers200,

    /// <summary>A create that sends constants loses the template's.</summary>
    TemplateConstantsDropped,

    /// <summary>Every PUT to a full session is refused, not only joins.</summary>
    FullSessionRefusesUpdates,

    /// <summary>A create that leaves nobody is stored and answered 201.</summary>
    EmptyCreateStored,

    /// <summary>members.me from a member re-joins at a new index.</summary>
    JoinNotIdempotent,

    /// <summary>A prohibited top-level member is refused with 422 instead of 400.</summary>
    ProhibitedMember422,

    /// <summary>Malformed JSON ends in 500.</summary>
    MalformedJson500,

    /// <summary>An unknown template is served as the scid's first template.</summary>
    UnknownTemplateFallsBack,

    /// <summary>A body breaking one body rule is accepted with the offending value dropped.</summary>
    UncheckedBodyRule,

    /// <summary>PUT {} to an existing session is refused.</summary>
    EmptyWriteRefused,

    /// <summary>A custom value holding an array is refused.</summary>
    CustomArraysRefused,

    /// <summary>properties.custom is replaced instead of merged.</summary>
    CustomReplaced,

    /// <summary>Object-valued system fields are merged key by key.</summary>
    SystemObjectsMerged,

    /// <summary>Constants can be changed once they exist.</summary>
    ConstantsOverwritable,

    /// <summary>keywords are accepted on private sessions.</summary>
    KeywordsOnPrivateAccepted,

    /// <summary>Members listed in turn do not show turn: true.</summary>
    TurnFlagsMissing,

    /// <summary>A host matching no member's device token is kept.</summary>
    UnmatchedHostKept,

    /// <summary>Members who joined through members.me show no joinTime.</summary>
    JoinWithoutJoinTime,

    /// <summary>A new member takes the lowest free index.</summary>
    MemberIndexReused,

    /// <summary>members.me: null is ignored.</summary>
    MeNullIgnored,

    /// <summary>The last member leaving answers 200 with the emptied session.</summary>
    LastLeaveAnswers200,

    /// <summary>A user may write another member by index.</summary>
    UsersWriteOthersByIndex,

    /// <summary>DELETE .../members/{index} removes nobody.</summary>
    DeleteByIndexIgnored,

    /// <summary>Reservations of one write are appended in reverse order.</summary>
    ReservationsReversed,

    /// <summary>A reserved user's first PUT leaves them reserved.</summary>
    ReservationStaysReserved,

    /// <summary>A session takes one member more than maxMembersCount.</summary>
    FullOffByOne,

    /// <summary>A large session lists every member keyed by index, as a normal session does.</summary>
    LargeListsEveryone,

    /// <summary>A caller who is no member of a large session sees its first member's entry, keyed me.</summary>
    LargeNonMemberSeesFirst,

    /// <summary>membersInfo of a large session counts only the entry the answer lists.</summary>
    LargeCountsListedOnly,

    /// <summary>A large session takes reservations.</summary>
    LargeReservationsAccepted,

    /// <summary>Members of a large session are removed and written by index.</summary>
    LargeByIndexAccepted,

    /// <summary>A large session stores the fields the docs do not support there.</summary>
    LargeFieldsAccepted,

    /// <summary>reservedRemovalTimeout is read as seconds.</summary>
    ReservedTimeoutInSeconds,

    /// <summary>Users may write servers.</summary>
    UsersWriteServers,

    /// <summary>servers.{name}: null is ignored.</summary>
    ServerNullIgnored,

    /// <summary>A non-member's DELETE .../members/me removes member 0.</summary>
    NonMemberDeleteRemovesFirst,

    /// <summary>GET answers carry no ETag.</summary>
    GetWithoutETag,

    /// <summary>GET answers carry the ETag of the session's first read.</summary>
    GetShowsFirstReadETag,

    /// <summary>A 412 carries no session.</summary>
    PreconditionFailedWithoutSession,

    /// <summary>If-Match: * on a missing session creates it.</summary>
    IfMatchStarCreates,

    /// <summary>If-None-Match is ignored on writes.</summary>
    IfNoneMatchIgnoredOnWrites,

    /// <summary>The If-Match check and the write are two steps.</summary>
    IfMatchCheckNotAtomic,

    /// <summary>changeNumber stays 1 after the create.</summary>
    ChangeNumberFrozen,

    /// <summary>GET of an existing session answers 203.</summary>
    GetAnswers203,

    /// <summary>GET of a missing session answers 200 with an empty body.</summary>
    MissingSession200,

    /// <summary>If-None-Match is ignored on GET.</summary>
    IfNoneMatchIgnoredOnGet,

    /// <summary>Private sessions are readable by anyone.</summary>
    PrivateReadable,

    /// <summary>Private sessions accept unreserved joins.</summary>
    PrivateJoinable,

    /// <summary>PUT .../properties on a missing session is handled like a session PUT.</summary>
    PropertiesOnMissingSession204,

    /// <summary>PUT .../properties ignores If-Match.</summary>
    PropertiesIgnoreIfMatch,

    /// <summary>A successful PUT .../properties answers 201.</summary>
    PropertiesAnswer201,

    /// <summary>An unsupported method answers 404.</summary>
    WrongMethod404,

    /// <summary>Error messages are application/problem+json.</summary>
    ErrorsAsProblemJson,

    /// <summary>A user without the multiplayer privilege creates sessions.</summary>
    PrivilegeIgnored,

    /// <summary>A caller over the rate limit gets 429 with a text/plain message.</summary>
    RateLimit429Text,

    /// <summary>The Expires header is an hour off nextTimer.</summary>
    ExpiresAnHourOff,

    /// <summary>An empty session is deleted at once whatever its sessionEmptyTimeout.</summary>
    EmptyTimeoutIgnored,

    /// <summary>A restarted empty session gets a new correlationId.</summary>
    RestartNewCorrelationId,

    /// <summary>branch is written as an empty string.</summary>
    BranchEmpty,

    /// <summary>An empty properties.system is left out of answers.</summary>
    EmptyPropertiesSystemOmitted,

    /// <summary>Timestamps end in +00:00 instead of Z.</summary>
    TimestampsWithOffset,

    /// <summary>Member keys are zero-padded to two digits.</summary>
    MemberKeysZeroPadded,

    /// <summary>membersInfo.count is written as a string.</summary>
    MembersCountAsString,

    /// <summary>Accepted members show reserved: false.</summary>
    ReservedFalseWritten,

    /// <summary>A member's empty properties.system is left out of answers.</summary>
    EmptyMemberSystemOmitted,

    /// <summary>Member xuids are written as strings in scientific notation.</summary>
    XuidsInScientificNotation,

    /// <summary>Members show nat: "unknown".</summary>
    NatUnknown,

    /// <summary>next links skip reserved members.</summary>
    LinksSkipReserved,

    /// <summary>contractVersion is written as a dotted string.</summary>
    ContractVersionDotted,

    /// <summary>The session's contract is the creating request's.</summary>
    ContractFromCreatingRequest,

    /// <summary>The matchmaking entry's typicalWait is written as a string with a unit.</summary>
    TypicalWaitWithUnit,

    /// <summary>readyRemovalTimeout never fires.</summary>
    ReadyTimerIgnored,

    /// <summary>inactiveRemovalTimeout never fires.</summary>
    InactiveTimerIgnored,

    /// <summary>properties.system.owners is left out of answers.</summary>
    OwnersNotShown,

    /// <summary>The last owner leaving under migration endsession leaves the session running, without an owner.</summary>
    EndsessionIgnored,

    /// <summary>Migration oldest hands ownership to the newest member.</summary>
    OldestMigrationPicksNewest,

    /// <summary>A create short of membersNeededToStart initializing members is accepted.</summary>
    InitMembersNeededIgnored,

    /// <summary>The last initializing member joining leaves the stage at joining.</summary>
    InitializingStaysJoining,

    /// <summary>initializationSucceeded during evaluating is accepted but moves nothing.</summary>
    InitializationSucceededIgnored,

    /// <summary>hostCandidates stay once a host is set.</summary>
    HostCandidatesKeptAfterHost,

    /// <summary>hostCandidates are listed worst first.</summary>
    HostCandidatesReversed,
}

/// <summary>One mutant of the catalogue: its name (for <c>mpsd serve --fault</c>), the requirement it breaks, and what it does.</summary>
/// <param name="Name">The mutant's name, e.g. <c>me-null-ignored</c>.</param>
/// <param name="Requirement">The ledger ID it breaks (and no other).</param>
/// <param name="Description">One line: what the server does instead.</param>
/// <param name="Kind">The decision point it changes.</param>
/// <param name="BodyRule">For <see cref="FaultKind.UncheckedBodyRule"/>: the ledger ID whose schema violations the body check lets through.</param>
public sealed record Fault(string Name, string Requirement, string Description, FaultKind Kind, string? BodyRule = null)
{
    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>A covered MUST or SHOULD requirement no mutant breaks, and why.</summary>
/// <param name="Requirement">The ledger ID.</param>
/// <param name="Reason">Why the catalogue has no mutant for it.</param>
public sealed record Unmutated(string Requirement, string Reason);

/// <summary>
/// The mutant catalogue: a fault for each MUST and SHOULD requirement the suite covers (one per behaviour where
/// a requirement has several, as LARGE-ME-ONLY), each breaking exactly that requirement under every documented
/// reading. The single source of <c>mpsd serve --fault</c> names,
/// <c>mpsd selftest mutants</c> and the kill matrix.
/// </summary>
public static class Faults
{
    private static readonly AsyncLocal<ActiveFault?> Ambient = new();

    /// <summary>Every mutant, in ledger order of the requirement it breaks.</summary>
    public static IReadOnlyList<Fault> Catalogue { get; } =
    [
        new("contract-version-unchecked", "HDR-CONTRACT-VERSION", "a request without X-Xbl-Contract-Version ends in 500: the missing header is parsed without a check", FaultKind.ContractVersionUnchecked),
        new("anonymous-requests-served", "HDR-AUTH-XBL3", "a request without Authorization is served as an anonymous caller instead of 401", FaultKind.AnonymousServed),
        new("path-case-sensitive", "HDR-PATH-CASE-INSENSITIVE", "the fixed path segments are matched case-sensitively: .../sessionTemplates/... answers 404", FaultKind.PathCaseSensitive),
        new("create-answers-200", "PUT-CREATE-201", "a PUT that creates a session answers 200 instead of 201", FaultKind.CreateAnswers200),
        new("template-constants-dropped", "PUT-CREATE-TEMPLATE-MERGE", "a create that sends constants starts from the creator's constants alone: the template's are lost", FaultKind.TemplateConstantsDropped),
        new("full-session-refuses-updates", "PUT-UPDATE-200", "every PUT to a full session is refused 403, not only joins and reservations", FaultKind.FullSessionRefusesUpdates),
        new("empty-create-stored", "PUT-CREATE-EMPTY-204", "a create that leaves nobody in a sessionEmptyTimeout-0 session is stored and answered 201", FaultKind.EmptyCreateStored),
        new("join-not-idempotent", "PUT-IDEMPOTENT", "members.me from a member already in the session re-joins it at a new index with a new joinTime", FaultKind.JoinNotIdempotent),
        new("prohibited-member-422", "PUT-PROHIBITED-400", "a body with a prohibited top-level member is refused with 422 instead of 400", FaultKind.ProhibitedMember422),
        new("malformed-json-500", "PUT-MALFORMED-400", "a body that is not well-formed JSON ends in 500: the parse error is not caught", FaultKind.MalformedJson500),
        new("unknown-template-falls-back", "PUT-UNKNOWN-SCID-404", "a template that is not configured is served as the scid's first template instead of 404", FaultKind.UnknownTemplateFallsBack),
        Unchecked("BODY-TOPLEVEL-ALLOWED"),
        new("empty-write-refused", "BODY-FIELDS-OPTIONAL", "PUT {} to an existing session is refused 400 ('nothing to write')", FaultKind.EmptyWriteRefused),
        Unchecked("BODY-MEMBERS-KEYS"),
        Unchecked("BODY-SERVERS-SHAPE"),
        new("custom-arrays-refused", "BODY-CUSTOM-ANY", "a custom value holding an array is refused 400", FaultKind.CustomArraysRefused),
        Unchecked("BODY-PROPERTY-BAG"),
        new("custom-replaced-not-merged", "MERGE-CUSTOM-KEYS", "a write's custom object replaces the stored one whole: keys it leaves out are lost", FaultKind.CustomReplaced),
        new("system-objects-merged", "MERGE-SYSTEM-REPLACE", "object-valued system fields are merged key by key instead of replaced whole", FaultKind.SystemObjectsMerged),
        new("constants-overwritable", "CONST-FIXED-409", "a constant written with another value once it exists is overwritten instead of refused 409", FaultKind.ConstantsOverwritable),
        Unchecked("CONST-SYSTEM-SCHEMA"),
        Unchecked("CONST-MAXMEMBERS-RANGE"),
        Unchecked("CONST-VISIBILITY-VALUES"),
        Unchecked("CONST-TIMEOUT-VALUES"),
        Unchecked("CONST-CAPABILITIES-FLAGS"),
        Unchecked("CONST-MEMBER-INIT-SHAPE"),
        Unchecked("CONST-QOS-SHAPE"),
        Unchecked("CONST-HOST-METRIC-VALUES"),
        Unchecked("CONST-MEASUREMENT-SERVERS-LOWERCASE"),
        Unchecked("CONST-INVITE-PROTOCOL-VALUES"),
        Unchecked("CONST-INITIATORS-XUIDS"),
        Unchecked("CONST-CONTRACT-104-NAMES"),
        Unchecked("PROPS-SYSTEM-SCHEMA"),
        new("keywords-on-private-accepted", "PROPS-KEYWORDS-PRIVATE", "properties.system.keywords are accepted on a private session", FaultKind.KeywordsOnPrivateAccepted),
        new("turn-flags-missing", "PROPS-TURN-SHAPE", "members listed in properties.system.turn do not show turn: true", FaultKind.TurnFlagsMissing),
        Unchecked("PROPS-RESTRICTION-VALUES"),
        Unchecked("PROPS-MATCHMAKING-SHAPE"),
        new("unmatched-host-kept", "PROPS-HOST-MUST-MATCH", "a host that is no member's device token is stored instead of dropped", FaultKind.UnmatchedHostKept),
        Unchecked("MEMBER-XUID-STRING"),
        Unchecked("MEMBER-SYSTEM-SCHEMA"),
        Unchecked("MEMBER-SDA-BASE64"),
        Unchecked("MEMBER-SUBSCRIPTIONS-SHAPE"),
        Unchecked("MEMBER-READY-ACTIVE-EXCLUSIVE"),
        Unchecked("ROLES-SETTINGS-SHAPE"),
        new("join-without-join-time", "MEMBER-JOIN-ME", "a member who joined through members.me is shown without joinTime", FaultKind.JoinWithoutJoinTime),
        new("member-index-reused", "MEMBER-INDEX-ASSIGN", "a new member takes the lowest free index, so a removed member's index is given out again", FaultKind.MemberIndexReused),
        new("me-null-ignored", "MEMBER-LEAVE-NULL", "members.me: null is ignored: the caller stays a member", FaultKind.MeNullIgnored),
        new("last-leave-answers-200", "MEMBER-LAST-LEAVE-204", "the last member leaving deletes the session but answers 200 with the emptied session instead of 204", FaultKind.LastLeaveAnswers200),
        new("users-write-others-by-index", "MEMBER-OWN-PROPS-ONLY-403", "a user body naming another member by index writes that member instead of 403", FaultKind.UsersWriteOthersByIndex),
        new("delete-by-index-ignored", "MEMBER-DELETE-INDEX", "DELETE .../members/{index} by a server principal answers 200 but removes nobody", FaultKind.DeleteByIndexIgnored),
        new("reservations-reversed", "RESERVE-ORDER", "the reserve_<n> entries of one write are appended in reverse order", FaultKind.ReservationsReversed),
        new("reservation-stays-reserved", "RESERVE-CLEARED-ON-JOIN", "a reserved user's first PUT leaves their entry reserved", FaultKind.ReservationStaysReserved),
        new("full-off-by-one", "SESSION-FULL", "a session takes one member more than maxMembersCount", FaultKind.FullOffByOne),
        new("reserved-timeout-in-seconds", "TIMER-RESERVED-REMOVAL", "reservedRemovalTimeout is read as seconds: a 1 s timeout removes the reservation after 1000 s", FaultKind.ReservedTimeoutInSeconds),
        new("users-write-servers", "SERVERS-PRINCIPAL-ONLY", "a user principal may write the servers section of any session", FaultKind.UsersWriteServers),
        new("server-null-ignored", "SERVERS-NULL-REMOVES", "servers.{name}: null in a write leaves the entry in place", FaultKind.ServerNullIgnored),
        new("non-member-delete-removes-first", "DELETE-MISSING-ELEMENT", "DELETE .../members/me by a non-member removes member 0 (the missing lookup defaults to index 0)", FaultKind.NonMemberDeleteRemovesFirst),
        new("get-without-etag", "ETAG-PRESENT", "GET answers carry no ETag header", FaultKind.GetWithoutETag),
        new("get-shows-first-read-etag", "ETAG-CHANGES", "GET answers carry the ETag of the session's first read: a read cache that writes never invalidate", FaultKind.GetShowsFirstReadETag),
        new("412-without-session", "IFMATCH-STALE-412", "a 412 for a stale If-Match carries a text/plain message instead of the current session and its ETag", FaultKind.PreconditionFailedWithoutSession),
        new("if-match-star-creates", "IFMATCH-STAR-MISSING-412", "If-Match: * on a session that does not exist creates it", FaultKind.IfMatchStarCreates),
        new("if-none-match-ignored-on-writes", "IFNONEMATCH-STAR-CREATE-ONLY", "If-None-Match: * is ignored on writes: an existing session is updated", FaultKind.IfNoneMatchIgnoredOnWrites),
        new("if-match-check-not-atomic", "CONCURRENCY-ONE-WINNER", "the If-Match check and the write are two steps, so parallel writers with one ETag all win", FaultKind.IfMatchCheckNotAtomic),
        new("change-number-frozen", "CHANGENUMBER-INCREMENT", "changeNumber stays at 1 after the create", FaultKind.ChangeNumberFrozen),
        new("get-answers-203", "GET-200", "a GET of an existing session answers 203 instead of 200", FaultKind.GetAnswers203),
        new("missing-session-200-empty", "GET-MISSING", "a GET of a session that does not exist answers 200 with an empty body (neither 204 nor 404)", FaultKind.MissingSession200),
        new("if-none-match-ignored-on-get", "GET-IFNONEMATCH-304", "a GET with If-None-Match of the current ETag answers 200 with the session instead of 304", FaultKind.IfNoneMatchIgnoredOnGet),
        new("private-readable-by-anyone", "VIS-PRIVATE-READ-403", "any user may read a private session", FaultKind.PrivateReadable),
        new("private-joinable-without-reservation", "VIS-PRIVATE-JOIN-403", "private and visible sessions let users without a reservation write and join them", FaultKind.PrivateJoinable),
        new("properties-on-missing-session-204", "PROPSRES-MISSING-404", "PUT .../properties on a missing session is handled as a session PUT: 204 instead of 404", FaultKind.PropertiesOnMissingSession204),
        new("properties-ignore-if-match", "PROPSRES-SAME-AS-PUT", "PUT .../properties ignores If-Match", FaultKind.PropertiesIgnoreIfMatch),
        new("properties-answer-201", "PROPSRES-STATUS", "a successful PUT .../properties answers 201 (neither 200 with the session nor 204)", FaultKind.PropertiesAnswer201),
        new("wrong-method-404", "ERR-METHOD-405", "a method the session URI does not support answers 404 instead of 405", FaultKind.WrongMethod404),
        new("errors-as-problem-json", "CT-ERROR-TEXT", "error messages are sent as application/problem+json instead of text/plain", FaultKind.ErrorsAsProblemJson),
        new("privilege-ignored", "PRIVILEGE-403", "a user without the multiplayer privilege creates sessions like any other user (201)", FaultKind.PrivilegeIgnored),
        new("rate-limit-429-text", "RATE-429-503", "a caller over the rate limit gets 429 with a text/plain message instead of a JSON body", FaultKind.RateLimit429Text),
        new("init-members-needed-ignored", "INIT-MEMBERS-NEEDED-400", "a create with fewer initialize: true members than membersNeededToStart is accepted (201) and starts an episode that cannot succeed", FaultKind.InitMembersNeededIgnored),
        new("empty-timeout-ignored", "TIMER-SESSION-EMPTY", "an empty session is deleted at once whatever its sessionEmptyTimeout", FaultKind.EmptyTimeoutIgnored),
        new("endsession-ignored", "OWNERS-MIGRATION", "the last owner leaving a hasOwners session under migration endsession leaves it running, with no owner", FaultKind.EndsessionIgnored),
        new("owners-not-shown", "OWNERS-LIST", "properties.system.owners is left out of answers (ownership is still kept and applied)", FaultKind.OwnersNotShown),
        new("oldest-migration-picks-newest", "OWNERS-MIGRATION-OLDEST", "under migration oldest the last owner's leaving hands ownership to the newest member instead of the longest-standing", FaultKind.OldestMigrationPicksNewest),
        new("restart-new-correlation-id", "SESSION-RESTART-CORRELATION", "an empty session joined again gets a new correlationId", FaultKind.RestartNewCorrelationId),
        new("expires-an-hour-off", "EXPIRES-HEADER", "the Expires header carries nextTimer shifted by an hour (local time written as GMT)", FaultKind.ExpiresAnHourOff),
        new("large-lists-everyone", "LARGE-ME-ONLY", "a large session's answers list every member keyed by index, as a normal session's do", FaultKind.LargeListsEveryone),
        new("large-non-member-sees-first", "LARGE-ME-ONLY", "a caller who is no member of a large session (or the server principal) sees its first member's entry, keyed me", FaultKind.LargeNonMemberSeesFirst),
        new("large-counts-listed-only", "LARGE-ME-ONLY", "membersInfo of a large session counts the entry the answer lists (count and accepted 1 or 0), not the whole roster", FaultKind.LargeCountsListedOnly),
        new("large-reservations-accepted", "LARGE-ME-ONLY", "a large session takes reserve_<n> entries like a normal session instead of refusing them with 409", FaultKind.LargeReservationsAccepted),
        new("large-by-index-accepted", "LARGE-ME-ONLY", "the server principal removes (DELETE .../members/{index}, members.{index}: null) and writes members of a large session by index instead of 409", FaultKind.LargeByIndexAccepted),
        new("large-fields-accepted", "LARGE-ME-ONLY", "a large session stores turn, host, a joinRestriction other than none, initializationGroup, subscriptions, memberInitialization and measurementServerAddresses", FaultKind.LargeFieldsAccepted),
        new("host-candidates-kept-after-host", "INIT-QOS-HOST-CANDIDATES", "hostCandidates stay in the session after properties.system.host is set", FaultKind.HostCandidatesKeptAfterHost),
        new("host-candidates-reversed", "INIT-HOST-SELECTION-METRIC", "hostCandidates are listed worst first by hostSelectionMetric", FaultKind.HostCandidatesReversed),
        new("initialization-succeeded-ignored", "INIT-SUCCEEDED-EVALUATING", "initializationSucceeded written during the evaluating stage is accepted but the stage stays evaluating until evaluationTimeout", FaultKind.InitializationSucceededIgnored),
        new("branch-empty", "RESP-TOPLEVEL-FIELDS", "branch is written as an empty string", FaultKind.BranchEmpty),
        new("empty-properties-system-omitted", "RESP-REQUIRED-SECTIONS", "a session's empty properties.system is left out of answers", FaultKind.EmptyPropertiesSystemOmitted),
        new("timestamps-with-offset", "RESP-TIMESTAMP-FORMAT", "timestamps end in +00:00 instead of Z", FaultKind.TimestampsWithOffset),
        new("member-keys-zero-padded", "RESP-MEMBERS-KEYS", "member index keys are zero-padded to two digits ('00', '01')", FaultKind.MemberKeysZeroPadded),
        new("members-count-as-string", "RESP-MEMBERSINFO-SHAPE", "membersInfo.count is written as a string", FaultKind.MembersCountAsString),
        new("reserved-false-written", "RESP-MEMBER-FIELDS", "accepted members show reserved: false instead of leaving it out", FaultKind.ReservedFalseWritten),
        new("empty-member-system-omitted", "RESP-MEMBER-SECTIONS", "a member's empty properties.system is left out of answers", FaultKind.EmptyMemberSystemOmitted),
        new("inactive-timer-ignored", "TIMER-INACTIVE-REMOVAL", "a member inactive longer than inactiveRemovalTimeout stays: the timer never fires", FaultKind.InactiveTimerIgnored),
        new("ready-timer-ignored", "TIMER-MEMBER-REMOVAL", "a member ready longer than readyRemovalTimeout stays, still ready: the timer never fires", FaultKind.ReadyTimerIgnored),
        new("xuids-in-scientific-notation", "RESP-XUID-STRING", "member xuids are held as doubles and written as strings in scientific notation (\"2.814650000000001E+015\"): neither a decimal string nor a number", FaultKind.XuidsInScientificNotation),
        new("nat-unknown", "RESP-ENUM-VALUES", "members show nat: \"unknown\", a value outside open, moderate and strict", FaultKind.NatUnknown),
        new("links-skip-reserved", "RESP-LINKED-LIST", "a member's next link skips reserved members, so the list from first misses them", FaultKind.LinksSkipReserved),
        new("contract-version-dotted", "RESP-CONTRACT-VERSION", "contractVersion is written as the string \"1.7\" instead of the integer 107", FaultKind.ContractVersionDotted),
        new("contract-from-creating-request", "CONTRACT-VERSION-ECHO", "a session keeps the contract version of the request that created it, whatever later requests and its template say", FaultKind.ContractFromCreatingRequest),
        new("initializing-stays-joining", "RESP-INITIALIZING-SHAPE", "when the last initializing member joins, initializing.stage stays joining (until joinTimeout) instead of moving on", FaultKind.InitializingStaysJoining),
        new("typical-wait-with-unit", "RESP-MATCHMAKING-SERVER", "the matchmaking entry's typicalWait is written as a string with a unit (\"30s\")", FaultKind.TypicalWaitWithUnit),
    ];

    /// <summary>Covered MUST and SHOULD requirements without a mutant, with the reason.</summary>
    public static IReadOnlyList<Unmutated> Unmutated { get; } =
    [
        new("MEMBER-INIT-GROUP-INTS", "Every body that breaks it is conformant under a combination of documented readings (C12: only group is known; Q3: unknown member keys are dropped or kept), so a black-box scenario cannot decide it without first learning which key the target knows: a mutant that lets such a body through survives by design. Worth its own issue."),
    ];

    /// <summary>The fault of the server handling the current request, or null.</summary>
    internal static ActiveFault? Current
    {
        get => Ambient.Value;
        set => Ambient.Value = value;
    }

    /// <summary>The mutant called <paramref name="name"/>, or null.</summary>
    public static Fault? Find(string name) => Catalogue.FirstOrDefault(f => f.Name == name);

    /// <summary>True when the server handling the current request runs <paramref name="kind"/>.</summary>
    internal static bool Active(FaultKind kind) => Current?.Fault.Kind == kind;

    /// <summary>The body rule the current server's body check lets through, or null.</summary>
    internal static string? UncheckedBodyRule => Current?.Fault is { Kind: FaultKind.UncheckedBodyRule } fault ? fault.BodyRule : null;

    /// <summary>For <see cref="FaultKind.AnonymousServed"/>: the caller a request without Authorization becomes.</summary>
    internal static Principal Anonymous { get; } = new(new IdentityConfig { Name = "anonymous" });

    /// <summary>For <see cref="FaultKind.PathCaseSensitive"/>: true when a fixed segment of the path is not lowercase.</summary>
    internal static bool HasUppercaseFixedSegment(PathString path)
    {
        var segments = (path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Where((_, i) => i % 2 == 0).Any(s => s != s.ToLowerInvariant());
    }

    /// <summary>
    /// For <see cref="FaultKind.UncheckedBodyRule"/>: the body with each offending value removed, and every object
    /// that removal left empty (a root that is not an object becomes <c>{}</c>).
    /// </summary>
    internal static JsonObject DropOffendingValues(JsonNode? body, IEnumerable<string> pointers)
    {
        if (body is not JsonObject root)
        {
            return [];
        }
        foreach (var pointer in pointers.Distinct().OrderByDescending(p => p.Length))
        {
            var path = MpsdConformance.Contract.JsonPointers.Tokens(pointer).ToList();
            if (path.Count == 0)
            {
                return [];
            }
            var chain = new List<JsonNode> { root };
            foreach (var token in path.SkipLast(1))
            {
                var next = chain[^1] switch
                {
                    JsonObject o => o[token],
                    JsonArray a when int.TryParse(token, out var i) && i < a.Count => a[i],
                    _ => null,
                };
                if (next is null)
                {
                    break;
                }
                chain.Add(next);
            }
            if (chain.Count != path.Count)
            {
                continue;
            }
            Remove(chain[^1], path[^1]);
            for (var i = chain.Count - 1; i > 0 && chain[i] is JsonObject { Count: 0 }; i--)
            {
                Remove(chain[i - 1], path[i - 1]);
            }
        }
        return root;
    }

    /// <summary>Registers the faults that change an answer's headers just before they are sent.</summary>
    internal static void BreakAnswer(HttpContext context, SessionKey key, Outcome outcome)
    {
        if (Current is not { } active || outcome.Session is not { } session)
        {
            return;
        }
        var isGet = HttpMethods.IsGet(context.Request.Method);
        var response = context.Response;
        var change = active.Fault.Kind switch
        {
            FaultKind.GetWithoutETag when isGet => () => response.Headers.Remove("ETag"),
            FaultKind.GetShowsFirstReadETag when isGet => CacheETag(active, key, session, response),
            FaultKind.ExpiresAnHourOff => () =>
            {
                if (DateTimeOffset.TryParse(response.Headers.Expires.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var expires))
                {
                    response.Headers.Expires = expires.AddHours(1).ToString("R", CultureInfo.InvariantCulture);
                }
            },
            _ => (Action?)null,
        };
        if (change is not null)
        {
            response.OnStarting(() =>
            {
                change();
                return Task.CompletedTask;
            });
        }
    }

    /// <summary>
    /// The member a large session's answer shows a caller (<paramref name="viewer"/>, a xuid; null for the server
    /// principal): the caller when a member, else nobody, or under <see cref="FaultKind.LargeNonMemberSeesFirst"/>
    /// the first member.
    /// </summary>
    internal static string? LargeViewer(Session session, string? viewer) =>
        viewer is not null && session.MemberByXuid(viewer) is not null ? viewer
        : Active(FaultKind.LargeNonMemberSeesFirst) ? session.Members.Values.FirstOrDefault()?.Xuid
        : null;

    /// <summary>The faults that refuse an update the documented semantics accept.</summary>
    internal static void CheckUpdate(Session live, JsonObject body)
    {
        if (Active(FaultKind.FullSessionRefusesUpdates) && live.Members.Count >= live.MaxMembers)
        {
            throw new MpsdError(403, $"the session is full (maxMembersCount {live.MaxMembers})");
        }
        if (Active(FaultKind.EmptyWriteRefused) && body.Count == 0)
        {
            throw new MpsdError(400, "nothing to write: the body names no section");
        }
    }

    /// <summary>For <see cref="FaultKind.ReservationsReversed"/>: a write's members with its reserve_&lt;n&gt; entries last, in reverse order.</summary>
    internal static IEnumerable<KeyValuePair<string, JsonNode?>> ReservationsReversed(IEnumerable<KeyValuePair<string, JsonNode?>> members) =>
        members.Where(m => !IsReservation(m.Key)).Concat(members.Where(m => IsReservation(m.Key)).Reverse());

    /// <summary>For <see cref="FaultKind.MemberIndexReused"/>: the lowest index no member holds.</summary>
    internal static int LowestFreeIndex(Session session)
    {
        var index = 0;
        while (session.Members.ContainsKey(index))
        {
            index++;
        }
        return index;
    }

    /// <summary>The faults of a member entry as the session document shows it.</summary>
    internal static void BreakMember(JsonObject member)
    {
        switch (Current?.Fault.Kind)
        {
            case FaultKind.EmptyMemberSystemOmitted when (member["properties"]?["system"] is JsonObject { Count: 0 }):
                member["properties"]!.AsObject().Remove("system");
                break;
            case FaultKind.XuidsInScientificNotation when (member["constants"]?["system"]?["xuid"] is JsonValue xuid && double.TryParse((string?)xuid, CultureInfo.InvariantCulture, out var number)):
                member["constants"]!["system"]!["xuid"] = number.ToString("E15", CultureInfo.InvariantCulture);
                break;
            case FaultKind.NatUnknown:
                member["nat"] = "unknown";
                break;
        }
    }

    /// <summary>The faults of the session's properties as the session document shows them.</summary>
    internal static void BreakProperties(JsonObject properties)
    {
        if (Active(FaultKind.OwnersNotShown) && properties["system"] is JsonObject system)
        {
            system.Remove("owners");
        }
    }

    /// <summary>The faults of the servers section as the session document shows it.</summary>
    internal static void BreakServers(JsonObject servers)
    {
        if (Active(FaultKind.TypicalWaitWithUnit) && servers["matchmaking"]?["properties"]?["system"] is JsonObject system && system["typicalWait"] is JsonValue wait)
        {
            system["typicalWait"] = wait.ToJsonString() + "s";
        }
    }

    private static bool IsReservation(string key) => key.StartsWith("reserve_", StringComparison.Ordinal);

    private static Action CacheETag(ActiveFault active, SessionKey key, Session session, HttpResponse response)
    {
        var first = active.FirstReadETags.GetOrAdd(key, session.ETag);
        return () => response.Headers.ETag = first;
    }

    private static void Remove(JsonNode parent, string token)
    {
        switch (parent)
        {
            case JsonObject o:
                o.Remove(token);
                break;
            case JsonArray a when int.TryParse(token, out var i) && i < a.Count:
                a.RemoveAt(i);
                break;
        }
    }

    private static Fault Unchecked(string requirement) =>
        new("unchecked-" + requirement.ToLowerInvariant(), requirement,
            $"a body breaking {requirement} is accepted: the body check drops the offending value instead of refusing it with 400", FaultKind.UncheckedBodyRule, requirement);

    private static string NotImplemented(string role) =>
        $"not implemented by the reference server: its scenario needs a profile template role ('{role}') the reference does not offer, so it ends not-applicable and no mutant of the reference can reach it";
}

/// <summary>A fault running in one server, with the state it needs.</summary>
internal sealed class ActiveFault(Fault fault)
{
    public Fault Fault { get; } = fault;

    /// <summary>For <see cref="FaultKind.GetShowsFirstReadETag"/>: the ETag each session's first GET showed.</summary>
    public ConcurrentDictionary<SessionKey, string> FirstReadETags { get; } = new();
}
