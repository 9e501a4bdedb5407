using System.Globalization;
using MpsdConformance.Contract;

namespace MpsdConformance.Scenarios;

/// <summary>
/// Large sessions (<c>constants.system.capabilities.large</c>, the profile's <c>large</c> template): each caller
/// sees its own entry alone, keyed me, while membersInfo still describes the whole roster; reservations and
/// changes to other members are refused with 409; the fields the docs do not support there are refused. Every
/// scenario ends not-applicable when the profile names no large template.
/// </summary>
public class LargeSessions : Scenario
{
    private const string Role = "large";

    [Test, Requirement("LARGE-ME-ONLY")]
    public async Task EachCaller_SeesOnlyItsOwnEntry_KeyedMe_WithTheWholeRosterCounted()
    {
        var (session, created) = await Create(Alice, RequireTemplate(Role));
        ExpectOwnEntryAlone(created, Alice, 1, "the answer to Alice's create");
        var joined = await T.Put(Bob, session, Join(Bob));
        Expect.Session(joined, "Bob joining the large session");
        ExpectOwnEntryAlone(joined, Bob, 2, "the answer to Bob's join");
        var read = await T.Get(Alice, session);
        ExpectOwnEntryAlone(read, Alice, 2, "Alice reading the session after Bob joined");
        RecordNextLink(read);
    }

    [Test, Requirement("LARGE-ME-ONLY")]
    public async Task NonMemberOrServer_SeesNoMemberEntry()
    {
        var (session, _) = await Create(Alice, RequireTemplate(Role));
        Expect.Session(await T.Put(Bob, session, Join(Bob)), "Bob joining the large session");
        ExpectNoEntry(await T.Get(Carol, session), "Carol, who is no member, reading the open large session");
        if (T.Profile.Server is { } server)
        {
            ExpectNoEntry(await T.Get(server, session), "the server principal reading the large session");
        }
    }

    [Test, Requirement("LARGE-ME-ONLY")]
    public async Task Reservation_IsRefusedWith409_AndStoresNothing()
    {
        var (session, _) = await Create(Alice, RequireTemplate(Role));
        var before = await T.Get(Alice, session);
        var reply = await T.Put(Alice, session, Reserve(Carol.Xuid!));
        Expect.Status(reply, HttpStatusCode.Conflict, "a reservation in a large session (large sessions take no reservations; adding a member other than the caller is a conflict)");
        var after = await T.Get(Alice, session);
        Expect.Unchanged(before, after, "the refused reservation stored nothing", "/members", "/membersInfo");
    }

    /// <summary>The server principal removing a member by index (two ways) or writing one: 409 on a large session, and nothing changes.</summary>
    [TestCase("delete"), TestCase("null"), TestCase("write")]
    [Requirement("LARGE-ME-ONLY")]
    public async Task ServerPrincipal_ChangingAMemberByIndex_IsRefusedWith409(string how)
    {
        var role = RequireTemplate(Role);
        var server = ServerPrincipal;
        var (session, _) = await Create(Alice, role);
        Expect.Session(await T.Put(Bob, session, Join(Bob)), "Bob joining the large session");
        var before = await T.Get(Alice, session);
        // membersInfo.first is Alice's index, the session's first member: an index that exists, whoever reads it.
        if (Number(before.Session?["membersInfo"]?["first"]) is not { } first)
        {
            Assert.Inconclusive($"the large session shows no membersInfo.first, so no member index is known\n{before.Exchange.Describe()}");
            return;
        }
        var index = (int)first;
        var reply = how switch
        {
            "delete" => await T.DeleteMember(server, session, index),
            "null" => await T.Put(server, session, SessionRequest.Create().RemoveMember(index)),
            _ => await T.Put(server, session, SessionRequest.Create().MemberAt(index, m => m.Properties(p => p.Custom("mpsdcNote", 1)))),
        };
        var what = how == "write" ? $"writing member {index} of a large session by index" : $"removing member {index} of a large session by index ({how})";
        Expect.Status(reply, HttpStatusCode.Conflict, $"the server principal {what} (large sessions refuse changes to members other than the caller with 409)");
        var after = await T.Get(Alice, session);
        Expect.Unchanged(before, after, "the refused change stored nothing", "/members", "/membersInfo");
    }

    /// <summary>
    /// A write that sets a field large sessions do not support: refused with 400 or 409 (the status is undocumented)
    /// and nothing stored, or, where the field's key is one a documented reading does not know and another reading
    /// ignores, accepted with that effect (as the body-rule scenario judges it).
    /// </summary>
    [TestCase("turn"), TestCase("joinRestriction"), TestCase("initializationGroup"), TestCase("subscriptions"),
     TestCase("memberInitialization"), TestCase("measurementServerAddresses")]
    [Requirement("LARGE-ME-ONLY")]
    public async Task FieldALargeSessionDoesNotSupport_IsRefused(string field)
    {
        var role = RequireTemplate(Role);
        var (session, created) = await Create(Alice, role);
        var before = await T.Get(Alice, session);
        var first = Number(before.Session?["membersInfo"]?["first"]) ?? 0;
        // A create repeats the template's capabilities, so the new session is large even where a create's constants replace the template's.
        var capabilities = created.Session?["constants"]?["system"]?["capabilities"]?.DeepClone() ?? new JsonObject { ["large"] = true };
        var (create, pointer, body) = field switch
        {
            "turn" => (false, "/properties/system/turn", SessionRequest.Create()
                .Properties(p => p
                    .System("turn", new JsonArray(first)))),
            "joinRestriction" => (false, "/properties/system/joinRestriction", SessionRequest.Create()
                .Properties(p => p
                    .System("joinRestriction", "local"))),
            "initializationGroup" => (false, "/members/me/properties/system/initializationGroup", SessionRequest.Create()
                .Me(Alice, me => me
                    .Properties(p => p
                        .System("initializationGroup", new JsonArray(first))))),
            "subscriptions" => (false, "/members/me/properties/system/subscriptions", SessionRequest.Create()
                .Me(Alice, me => me
                    .Properties(p => p
                        .System("subscriptions", new JsonObject
                        {
                            [Guid.NewGuid().ToString().ToUpperInvariant()] = new JsonObject { ["profile"] = "party", ["onBehalfOfTitleId"] = "1873241301" },
                        })))),
            "memberInitialization" => (true, "/constants/system/memberInitialization", SessionRequest.Create()
                .Constants(c => c
                    .System("capabilities", capabilities.DeepClone())
                    .System("memberInitialization", new JsonObject { ["membersNeededToStart"] = 1 }))
                .Me(Alice)),
            _ => (true, "/constants/system/measurementServerAddresses", SessionRequest.Create()
                .Constants(c => c
                    .System("capabilities", capabilities.DeepClone())
                    .System("measurementServerAddresses", new JsonObject { ["probe-1"] = new JsonObject { ["secureDeviceAddress"] = "AQIDBA==" } }))
                .Me(Alice)),
        };
        var sent = body.ToJson();
        var target = create ? T.NewSession(role) : session;
        var reply = await T.Put(Alice, target, sent);
        var outcomes = BodyOutcomes.Derive(RequirementLedger.Shared(), ContractValidator.Shared(), SchemaKind.Request, sent, pointer, "LARGE-ME-ONLY").Accepted;
        var why = $"a large session refuses {pointer} (the docs do not support {field} there, and name no status: 400 or 409)";
        if ((int)reply.Status is >= 200 and < 300 && outcomes.Count > 0)
        {
            var after = await T.Get(Alice, target);
            var seen = outcomes.FirstOrDefault(a => Holds(a, sent, create ? null : before.Session, after.Session));
            Expect.Value(after, $"the stored session after {pointer} was accepted", seen?.ToString(), Is.Not.Null,
                $"{why}; a documented reading accepts this body only as: {string.Join("; ", outcomes)}");
            foreach (var reading in seen!.Readings)
            {
                var equals = reading.IndexOf('=', StringComparison.Ordinal);
                Readings.Record(reading[..equals], reading[(equals + 1)..]);
            }
            return;
        }
        var status = Expect.StatusIn(reply, outcomes.Count == 0 ? why : $"{why}; a documented reading may instead accept it: {string.Join("; ", outcomes)}",
            HttpStatusCode.BadRequest, HttpStatusCode.Conflict);
        if (outcomes.Count == 0)
        {
            // Where no reading accepts the body, the refusal is the large session's own: its status is the reading.
            Readings.Record("LARGE-ME-ONLY", ((int)status).ToString(CultureInfo.InvariantCulture));
        }
        if (create)
        {
            await ExpectGone(target, "the refused create stored nothing");
            return;
        }
        var unchanged = await T.Get(Alice, session);
        Expect.Unchanged(before, unchanged, "the refused write changed nothing", "/properties", "/members", "/constants");
    }

    /// <summary>The answer lists one entry, keyed me, the caller's own, and membersInfo counts the whole roster.</summary>
    private static void ExpectOwnEntryAlone(MpsdResponse response, Identity caller, int roster, string why)
    {
        var document = Expect.Session(response, why);
        var members = document["members"] as JsonObject;
        var keys = members is null ? "no members object" : $"keys [{string.Join(", ", members.Select(m => m.Key))}]";
        Expect.That(members is { Count: 1 } && members["me"] is JsonObject, response,
            $"{why}: a large session lists the caller's own entry alone, keyed me (found {keys})");
        Expect.Value(response, "the xuid of the me entry", Roster.XuidOf((JsonObject)members!["me"]!), Is.EqualTo(caller.Xuid),
            $"{why}: the me entry is the caller's own");
        ExpectRoster(response, document, roster, why);
    }

    /// <summary>The answer lists no member entry (members absent or empty), and membersInfo, where shown, counts the whole roster.</summary>
    private static void ExpectNoEntry(MpsdResponse response, string why)
    {
        var document = Expect.Session(response, why);
        var members = document["members"] as JsonObject;
        Expect.That(members is null or { Count: 0 }, response,
            $"{why}: a large session shows a caller who is no member no member entry (found keys [{string.Join(", ", members?.Select(m => m.Key) ?? [])}])");
        if (document["membersInfo"] is not null)
        {
            ExpectRoster(response, document, 2, why);
        }
    }

    private static void ExpectRoster(MpsdResponse response, JsonObject document, int roster, string why)
    {
        Expect.Value(response, "membersInfo.count (as a number)", Number(document["membersInfo"]?["count"]), Is.EqualTo(roster),
            $"{why}: membersInfo still counts every member of the large session, not only the entry it lists");
        Expect.Value(response, "membersInfo.accepted (as a number)", Number(document["membersInfo"]?["accepted"]), Is.EqualTo(roster),
            $"{why}: every member joined (none is reserved), so membersInfo.accepted counts them all");
    }

    /// <summary>
    /// RESP-MEMBER-FIELDS's reading, from the answer to the first of two members: the me entry's next link is the member
    /// after it in the whole roster (below membersInfo.next), membersInfo.next itself, or absent.
    /// </summary>
    private static void RecordNextLink(MpsdResponse read)
    {
        var document = Expect.Session(read, "Alice reading the large session");
        var link = document["members"]?["me"]?["next"];
        long? first = Number(document["membersInfo"]?["first"]), next = Number(document["membersInfo"]?["next"]), to = Number(link);
        if (link is null)
        {
            Readings.Record("RESP-MEMBER-FIELDS", "omitted");
            return;
        }
        Expect.That(to is not null && next is not null && first is not null && (to == next || (to > first && to < next)), read,
            $"the me entry's next link ({link.ToJsonString()}) is the member after the caller in the whole roster (between membersInfo.first {first} and membersInfo.next {next}), membersInfo.next, or absent");
        Readings.Record("RESP-MEMBER-FIELDS", to == next ? "list-end" : "roster-link");
    }

    /// <summary>Whether the stored large session shows <paramref name="outcome"/>'s effect (the caller's entry is keyed me).</summary>
    private static bool Holds(AcceptedOutcome outcome, string body, JsonObject? before, JsonObject? after) =>
        ShowsEffect(outcome.Effect, outcome.Location, before, after, body, outcome.Location);
}
