using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using MpsdConformance.Reference;

namespace MpsdConformance.SelfTests.Reference;

/// <summary>
/// Large sessions (the built-in <c>crowd</c> template, capabilities.large): each caller's answer lists its own
/// entry alone, keyed me, membersInfo describes the whole roster, other members cannot be added, removed or
/// written (409), the fields the docs do not support there are refused, and the session holds members above 100.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class ReferenceLargeSessionTests : ReferenceTestBase
{
    private const string Large = "crowd";

    [Test, Requirement("LARGE-ME-ONLY")]
    public async Task EachAnswer_ListsTheCallersOwnEntryAlone_KeyedMe_AndMembersInfoDescribesTheWholeRoster()
    {
        var url = _c.Url(Name(), Large);
        var created = await _c.Put(url, _c.Alice, ReferenceClient.Join(_c.Alice));
        var joined = await _c.Put(url, _c.Bob, ReferenceClient.Join(_c.Bob));
        var alice = await _c.Get(url, _c.Alice);
        var bob = await _c.Get(url, _c.Bob);
        var carol = await _c.Get(url, _c.Carol);
        var server = await _c.Get(url, _c.ServerPrincipal);
        Assert.Multiple(() =>
        {
            Assert.That(created.Status, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(Keys(created), Is.EqualTo(new[] { "me" }));
            Assert.That(Keys(joined), Is.EqualTo(new[] { "me" }));
            Assert.That(Xuid(joined), Is.EqualTo(_c.Bob.Xuid), "Bob's join answer shows Bob");
            Assert.That(Keys(alice), Is.EqualTo(new[] { "me" }));
            Assert.That(Xuid(alice), Is.EqualTo(_c.Alice.Xuid), "the same session read by Alice shows Alice");
            Assert.That(Xuid(bob), Is.EqualTo(_c.Bob.Xuid), "... and read by Bob right after, Bob: answers are not shared across callers");
            Assert.That((int?)alice.Session["members"]!["me"]!["next"], Is.EqualTo(1), "roster-link: Alice's entry links to Bob's index");
            Assert.That((int?)bob.Session["members"]!["me"]!["next"], Is.EqualTo(2), "roster-link: the last member links to membersInfo.next");
            Assert.That(carol.Session["members"]!.AsObject(), Is.Empty, "a user who is no member sees no entry");
            Assert.That(server.Session["members"]!.AsObject(), Is.Empty, "the server principal sees no entry");
            foreach (var reply in new[] { alice, bob, carol, server })
            {
                Assert.That(reply.Session["membersInfo"]!.ToJsonString(), Is.EqualTo("""{"first":0,"next":2,"count":2,"accepted":2}"""));
            }
            Assert.That(alice.ETag, Is.EqualTo(carol.ETag), "one session, one ETag, whoever reads it");
        });
    }

    [Test, Requirement("LARGE-ME-ONLY")]
    public async Task NormalSessions_StillListEveryMemberByIndex()
    {
        var url = _c.Url(Name());
        await _c.Put(url, _c.Alice, ReferenceClient.Join(_c.Alice));
        await _c.Put(url, _c.Bob, ReferenceClient.Join(_c.Bob));
        var read = await _c.Get(url, _c.Carol);
        Assert.That(Keys(read), Is.EqualTo(new[] { "0", "1" }));
    }

    [TestCase("list-end", 2)]
    [TestCase("omitted", null)]
    [Requirement("LARGE-ME-ONLY", "RESP-MEMBER-FIELDS")]
    public async Task TheMeEntrysNextLink_FollowsTheReading(string reading, int? aliceNext)
    {
        await using var c = await ReferenceClient.StartAsync(new ReferenceOptions { SchemasDirectory = Repo.Schemas, Readings = new Dictionary<string, string> { ["RESP-MEMBER-FIELDS"] = reading } });
        var url = c.Url(ReferenceClient.NewName(), Large);
        await c.Put(url, c.Alice, ReferenceClient.Join(c.Alice));
        await c.Put(url, c.Bob, ReferenceClient.Join(c.Bob));
        var alice = await c.Get(url, c.Alice);
        var me = alice.Session["members"]!["me"]!.AsObject();
        Assert.Multiple(() =>
        {
            Assert.That(me.ContainsKey("next"), Is.EqualTo(aliceNext is not null));
            Assert.That((int?)me["next"], Is.EqualTo(aliceNext));
        });
    }

    [Test, Requirement("LARGE-ME-ONLY")]
    public async Task Reservations_Get409_AndStoreNothing()
    {
        var url = _c.Url(Name(), Large);
        var created = await _c.Put(url, _c.Alice, ReferenceClient.Join(_c.Alice));
        var reserve = await _c.Put(url, _c.Alice, Reserve(("reserve_0", _c.Bob.Xuid!, false)));
        var after = await _c.Get(url, _c.Alice);
        var otherUrl = _c.Url(Name(), Large);
        var body = JsonNode.Parse(Reserve(("reserve_0", _c.Bob.Xuid!, false)))!.AsObject();
        body["members"]!["me"] = JsonNode.Parse(ReferenceClient.Join(_c.Alice))!["members"]!["me"]!.DeepClone();
        var createWithReservation = await _c.Put(otherUrl, _c.Alice, body.ToJsonString());
        var none = await _c.Get(otherUrl, _c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(reserve.Status, Is.EqualTo(HttpStatusCode.Conflict), reserve.ToString());
            Assert.That(reserve.MediaType, Is.EqualTo("text/plain"));
            Assert.That(after.ETag, Is.EqualTo(created.ETag));
            Assert.That(createWithReservation.Status, Is.EqualTo(HttpStatusCode.Conflict), createWithReservation.ToString());
            Assert.That(none.Status, Is.EqualTo(HttpStatusCode.NoContent));
        });
    }

    [TestCase("delete", "server")]
    [TestCase("delete", "bob")]
    [TestCase("null", "server")]
    [TestCase("write", "server")]
    [TestCase("write", "bob")]
    [Requirement("LARGE-ME-ONLY")]
    public async Task ChangingAnotherMemberByIndex_Gets409_EvenFromTheServerPrincipal(string how, string who)
    {
        var name = Name();
        var url = _c.Url(name, Large);
        await _c.Put(url, _c.Alice, ReferenceClient.Join(_c.Alice));
        var before = await _c.Put(url, _c.Bob, ReferenceClient.Join(_c.Bob));
        var caller = who == "server" ? _c.ServerPrincipal : _c.Bob;
        var reply = how switch
        {
            "delete" => await _c.Delete(_c.Url(name, Large, "/members/0"), caller),
            "null" => await _c.Put(url, caller, """{"members":{"0":null}}"""),
            _ => await _c.Put(url, caller, """{"members":{"0":{"properties":{"custom":{"note":1}}}}}"""),
        };
        var after = await _c.Get(url, _c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.Conflict), reply.ToString());
            Assert.That(reply.MediaType, Is.EqualTo("text/plain"));
            Assert.That(after.ETag, Is.EqualTo(before.ETag), "nothing changed");
            Assert.That(Xuid(after), Is.EqualTo(_c.Alice.Xuid));
        });
    }

    [Test, Requirement("LARGE-ME-ONLY")]
    public async Task TheCallersOwnEntry_IsWrittenAndLeftAsOnANormalSession()
    {
        var name = Name();
        var url = _c.Url(name, Large);
        await _c.Put(url, _c.Alice, ReferenceClient.Join(_c.Alice));
        await _c.Put(url, _c.Bob, ReferenceClient.Join(_c.Bob));
        var written = await _c.Put(url, _c.Bob, """{"members":{"me":{"properties":{"custom":{"skill":3}}}},"properties":{"system":{"joinRestriction":"none"}}}""");
        var left = await _c.Delete(_c.Url(name, Large, "/members/me"), _c.Bob);
        Assert.Multiple(() =>
        {
            Assert.That(written.Status, Is.EqualTo(HttpStatusCode.OK), written.ToString());
            Assert.That((int?)written.Session["members"]!["me"]!["properties"]!["custom"]!["skill"], Is.EqualTo(3));
            Assert.That(left.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(left.Session["members"]!.AsObject(), Is.Empty, "Bob left: his answer shows no entry");
            Assert.That((int?)left.Session["membersInfo"]!["count"], Is.EqualTo(1));
        });
    }

    public static IEnumerable<TestCaseData> RefusedFields() =>
    [
        new("""{"properties":{"system":{"turn":[0]}}}""", false),
        new("""{"properties":{"system":{"host":"0123456789abcdef"}}}""", false),
        new("""{"properties":{"system":{"joinRestriction":"followed"}}}""", false),
        new("""{"members":{"me":{"properties":{"system":{"initializationGroup":[0]}}}}}""", false),
        new("""{"members":{"me":{"properties":{"system":{"group":[0]}}}}}""", false),
        new("""{"members":{"me":{"properties":{"system":{"subscriptions":{"3A9D0C4E-1B2F-4E5A-9C7D-8E6F5A4B3C2D":{"profile":"party","onBehalfOfTitleId":"1873241301"}}}}}}}""", false),
        new("""{"members":{"me":{"properties":{"system":{"subscription":{"id":"3A9D0C4E-1B2F-4E5A-9C7D-8E6F5A4B3C2D","changeTypes":["everything"]}}}}}}""", false),
        new("""{"constants":{"system":{"memberInitialization":{"membersNeededToStart":1}}},"members":{"me":{}}}""", true),
        new("""{"constants":{"system":{"measurementServerAddresses":{"probe-1":{"secureDeviceAddress":"AQIDBA=="}}}},"members":{"me":{}}}""", true),
        new("""{"constants":{"system":{"capabilities":{"large":true}}},"properties":{"system":{"turn":[0]}},"members":{"me":{}}}""", true),
    ];

    [TestCaseSource(nameof(RefusedFields))]
    [Requirement("LARGE-ME-ONLY")]
    public async Task FieldsLargeSessionsDoNotSupport_Get400_AndStoreNothing(string body, bool create)
    {
        var url = _c.Url(Name(), Large);
        // A create in the normal template that turns large on in its own constants is judged the same way.
        var target = create && body.Contains("\"large\"", StringComparison.Ordinal) ? _c.Url(Name()) : url;
        var created = create ? null : await _c.Put(url, _c.Alice, ReferenceClient.Join(_c.Alice));
        var reply = await _c.Put(target, _c.Alice, body);
        var after = await _c.Get(target, _c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.BadRequest), reply.ToString());
            Assert.That(reply.Body, Does.EndWith("not supported on a large session"));
            if (create)
            {
                Assert.That(after.Status, Is.EqualTo(HttpStatusCode.NoContent));
            }
            else
            {
                Assert.That(after.ETag, Is.EqualTo(created!.ETag));
            }
        });
    }

    [Test, Requirement("LARGE-ME-ONLY")]
    public async Task UnderThe409Reading_AFieldLargeSessionsDoNotSupport_Gets409_AndAPropertiesWriteToo()
    {
        await using var c = await ReferenceClient.StartAsync(new ReferenceOptions { SchemasDirectory = Repo.Schemas, Readings = new Dictionary<string, string> { ["LARGE-ME-ONLY"] = "409" } });
        var url = c.Url(ReferenceClient.NewName(), Large);
        await c.Put(url, c.Alice, ReferenceClient.Join(c.Alice));
        var session = await c.Put(url, c.Alice, """{"properties":{"system":{"turn":[0]}}}""");
        var properties = await c.Put(url + "/properties", c.Alice, """{"system":{"joinRestriction":"local"}}""");
        var none = await c.Put(url + "/properties", c.Alice, """{"system":{"joinRestriction":"none"}}""");
        Assert.Multiple(() =>
        {
            Assert.That(session.Status, Is.EqualTo(HttpStatusCode.Conflict), session.ToString());
            Assert.That(properties.Status, Is.EqualTo(HttpStatusCode.Conflict), properties.ToString());
            Assert.That(none.Status, Is.EqualTo(HttpStatusCode.OK), "joinRestriction none is the one value a large session takes");
        });
    }

    [Test, Requirement("LARGE-ME-ONLY", "CONST-MAXMEMBERS-RANGE", "SESSION-FULL")]
    public async Task ALargeSession_HoldsMembersAbove100_UpToItsMaxMembersCount()
    {
        const int max = 120;
        var config = ReferenceConfig.BuiltIn();
        var users = Enumerable.Range(1, max + 1).Select(i => new IdentityConfig
        {
            Name = "fan" + i.ToString(CultureInfo.InvariantCulture),
            Xuid = (2814651000000000L + i).ToString(CultureInfo.InvariantCulture),
            UserHash = (20000 + i).ToString(CultureInfo.InvariantCulture),
            Token = "fan-token-" + i.ToString(CultureInfo.InvariantCulture),
        }).ToList();
        config.Identities.AddRange(users);
        var template = config.Scids.Values.First()[Large];
        template.Constants["system"]!["maxMembersCount"] = max;
        await using var c = await ReferenceClient.StartAsync(new ReferenceOptions { Config = config, SchemasDirectory = Repo.Schemas });
        var url = c.Url(ReferenceClient.NewName(), Large);
        Reply? last = null;
        foreach (var user in users.Take(max))
        {
            last = await c.Put(url, user, ReferenceClient.Join(user));
            Assert.That((int)last.Status, Is.LessThan(300), last.ToString());
        }
        var full = await c.Put(url, users[max], ReferenceClient.Join(users[max]));
        Assert.Multiple(() =>
        {
            Assert.That(Keys(last!), Is.EqualTo(new[] { "me" }));
            Assert.That(Xuid(last!), Is.EqualTo(users[max - 1].Xuid));
            Assert.That(last!.Session["membersInfo"]!.ToJsonString(), Is.EqualTo($$"""{"first":0,"next":{{max}},"count":{{max}},"accepted":{{max}}}"""));
            Assert.That(full.Status, Is.EqualTo(HttpStatusCode.Forbidden), "the session is full at its maxMembersCount (SESSION-FULL's reference reading)");
        });
    }

    private static string[] Keys(Reply reply) => reply.Session["members"]!.AsObject().Select(m => m.Key).ToArray();

    private static string? Xuid(Reply reply) => (string?)reply.Session["members"]!["me"]?["constants"]?["system"]?["xuid"];
}
