using System.Net;
using System.Text.Json.Nodes;

namespace MpsdConformance.SelfTests.Reference;

/// <summary>The reference server's documented behaviour over real HTTP, one shared server, unique session names.</summary>
[Parallelizable(ParallelScope.All)]
public class ReferenceServerTests
{
    private ReferenceClient _c = null!;

    [OneTimeSetUp]
    public async Task Start() => _c = await ReferenceClient.StartAsync();

    [OneTimeTearDown]
    public async Task Stop() => await _c.DisposeAsync();

    private static string Name() => ReferenceClient.NewName();

    private static string Reserve(params (string Key, string Xuid, bool Initialize)[] reservations)
    {
        var members = new JsonObject();
        foreach (var (key, xuid, initialize) in reservations)
        {
            var system = new JsonObject { ["xuid"] = xuid };
            if (initialize)
            {
                system["initialize"] = true;
            }
            members[key] = new JsonObject { ["constants"] = new JsonObject { ["system"] = system } };
        }
        return new JsonObject { ["members"] = members }.ToJsonString();
    }

    // ---- headers, identity, routing ----

    [Test, Requirement("HDR-CONTRACT-VERSION")]
    public async Task Request_WithoutContractVersion_Returns400()
    {
        var reply = await _c.Send(HttpMethod.Get, _c.Url(Name()), _c.Alice, null, ("X-Xbl-Contract-Version", ""));
        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.BadRequest), reply.ToString());
    }

    [TestCase("103"), TestCase("abc"), TestCase("-107")]
    [Requirement("HDR-CONTRACT-VERSION")]
    public async Task Request_WithContractVersionBelow104OrNotANumber_Returns400(string version)
    {
        var reply = await _c.Get(_c.Url(Name()), _c.Alice, ("X-Xbl-Contract-Version", version));
        Assert.Multiple(() =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(reply.MediaType, Is.EqualTo("text/plain"));
        });
    }

    [TestCase("104"), TestCase("105"), TestCase("107")]
    [Requirement("HDR-CONTRACT-VERSION")]
    public async Task Request_WithContractVersion104OrLater_IsServed(string version)
    {
        var reply = await _c.Get(_c.Url(Name()), _c.Alice, ("X-Xbl-Contract-Version", version));
        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.NoContent));
    }

    [Test, Requirement("HDR-AUTH-XBL3")]
    public async Task Request_WithoutAuthorization_Returns401()
    {
        var reply = await _c.Put(_c.Url(Name()), null, "{}");
        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [TestCase("XBL3.0 x=1001;wrong-token")]
    [TestCase("Bearer abc")]
    [TestCase("XBL3.0 x=1001")]
    [Requirement("HDR-AUTH-XBL3")]
    public async Task Request_WithUnknownOrMalformedToken_Returns401(string authorization)
    {
        var reply = await _c.Get(_c.Url(Name()), null, ("Authorization", authorization));
        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test, Requirement("HDR-PATH-CASE-INSENSITIVE")]
    public async Task Path_IsMatchedIgnoringCase_AsTheClientLibrarySendsSessionTemplates()
    {
        var name = Name();
        var url = _c.Url(name).Replace("/sessiontemplates/", "/sessionTemplates/", StringComparison.Ordinal);
        var created = await _c.Put(url, _c.Alice, ReferenceClient.Join(_c.Alice));
        var read = await _c.Get(_c.Url(name.ToUpperInvariant(), "QUICK").Replace("/serviceconfigs/", "/ServiceConfigs/", StringComparison.Ordinal), _c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(created.Status, Is.EqualTo(HttpStatusCode.Created), created.ToString());
            Assert.That(read.Status, Is.EqualTo(HttpStatusCode.OK), read.ToString());
        });
    }

    [TestCase("unknown-template", false), TestCase("quick", true)]
    [Requirement("PUT-UNKNOWN-SCID-404")]
    public async Task UnknownScidOrTemplate_Returns404_WithAMessage(string template, bool badScid)
    {
        var url = _c.Url(Name(), template);
        if (badScid)
        {
            url = url.Replace(_c.Scid, "00000000-0000-0000-0000-000000000000", StringComparison.Ordinal);
        }
        var put = await _c.Put(url, _c.Alice, ReferenceClient.Join(_c.Alice));
        var get = await _c.Get(url, _c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(put.Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(get.Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(get.MediaType, Is.EqualTo("text/plain"));
            Assert.That(get.Body, Does.Contain("not configured for sessions"));
        });
    }

    [TestCase("POST", ""), TestCase("DELETE", ""), TestCase("PATCH", ""), TestCase("GET", "/properties"), TestCase("PUT", "/members/me")]
    [Requirement("ERR-METHOD-405", "CT-ERROR-TEXT")]
    public async Task WrongMethod_Returns405_WithAllow(string method, string suffix)
    {
        var reply = await _c.Send(new HttpMethod(method), _c.Url(Name(), suffix: suffix), _c.Alice, method is "GET" or "DELETE" ? null : "{}");
        Assert.Multiple(() =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
            Assert.That(reply.Headers.TryGetValues("Allow", out _) || reply.ContentHeaders?.Allow.Count > 0, Is.True);
            Assert.That(reply.MediaType, Is.EqualTo("text/plain"));
        });
    }

    [Test, Requirement("CT-ERROR-TEXT")]
    public async Task PutWithWrongContentType_Returns415()
    {
        var reply = await _c.Put(_c.Url(Name()), _c.Alice, ReferenceClient.Join(_c.Alice), ("Content-Type", "text/plain"));
        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
    }

    // ---- create, update, idempotency ----

    [Test, Requirement("PUT-CREATE-201", "PUT-CREATE-TEMPLATE-MERGE", "GET-200", "ETAG-PRESENT", "MEMBER-JOIN-ME", "MEMBER-INDEX-ASSIGN", "RESP-TIMESTAMP-FORMAT")]
    public async Task Create_Returns201_WithTheTemplateConstantsMergedAndTheCallerJoined()
    {
        var reply = await _c.Put(_c.Url(Name()), _c.Alice, ReferenceClient.Join(_c.Alice, ""","properties":{"custom":{"skill":7}}"""));
        var session = reply.Session;
        var me = session["members"]!["0"]!;
        Assert.Multiple(() =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(reply.ContentHeaders!.ContentType!.ToString(), Is.EqualTo("application/json; charset=utf-8"));
            Assert.That(reply.ETag, Is.Not.Null);
            Assert.That((string?)session["constants"]!["system"]!["visibility"], Is.EqualTo("open"));
            Assert.That((int?)session["constants"]!["system"]!["maxMembersCount"], Is.EqualTo(8));
            Assert.That((int?)session["contractVersion"], Is.EqualTo(107));
            Assert.That((long?)session["changeNumber"], Is.EqualTo(1));
            Assert.That((string?)me["constants"]!["system"]!["xuid"], Is.EqualTo(_c.Alice.Xuid));
            Assert.That((int?)me["properties"]!["custom"]!["skill"], Is.EqualTo(7));
            Assert.That((string?)me["gamertag"], Is.EqualTo("Alice"));
            Assert.That((string?)me["joinTime"], Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$"));
            Assert.That(session["membersInfo"]!.ToJsonString(), Is.EqualTo("""{"first":0,"next":1,"count":1,"accepted":1}"""));
        });
    }

    [Test, Requirement("PUT-CREATE-EMPTY-204", "BODY-FIELDS-OPTIONAL", "GET-MISSING")]
    public async Task CreateWithNoMembers_Returns204_AndStoresNothing()
    {
        var name = Name();
        var reply = await _c.Put(_c.Url(name), _c.Alice, "{}");
        var get = await _c.Get(_c.Url(name), _c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(reply.Body, Is.Empty);
            Assert.That(get.Status, Is.EqualTo(HttpStatusCode.NoContent));
        });
    }

    [Test, Requirement("PUT-UPDATE-200", "ETAG-CHANGES", "CHANGENUMBER-INCREMENT")]
    public async Task Update_Returns200_WithANewETagAndTheNextChangeNumber()
    {
        var name = Name();
        var created = await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var updated = await _c.Put(_c.Url(name), _c.Alice, """{"properties":{"custom":{"map":"harbor"}}}""");
        Assert.Multiple(() =>
        {
            Assert.That(updated.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(updated.ETag, Is.Not.EqualTo(created.ETag));
            Assert.That((long?)updated.Session["changeNumber"], Is.EqualTo(2));
            Assert.That((string?)updated.Session["properties"]!["custom"]!["map"], Is.EqualTo("harbor"));
        });
    }

    [Test, Requirement("PUT-IDEMPOTENT")]
    public async Task SamePutTwice_ChangesNothingMore()
    {
        var name = Name();
        await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var body = """{"properties":{"custom":{"a":1,"b":{"c":2}}},"members":{"reserve_0":{"constants":{"system":{"xuid":"2814650000000002"}}}}}""";
        var first = await _c.Put(_c.Url(name), _c.Alice, body);
        var second = await _c.Put(_c.Url(name), _c.Alice, body);
        Assert.Multiple(() =>
        {
            Assert.That(second.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(second.Body, Is.EqualTo(first.Body));
            Assert.That(second.ETag, Is.EqualTo(first.ETag));
            Assert.That((int?)second.Session["membersInfo"]!["count"], Is.EqualTo(2));
        });
    }

    [Test, Requirement("NOCOMMIT-NO-STORE")]
    public async Task NoCommit_ReturnsTheMerge_WithoutStoringIt()
    {
        var name = Name();
        var created = await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var preview = await _c.Put(_c.Url(name) + "?nocommit=true", _c.Alice, """{"properties":{"custom":{"x":1}}}""");
        var after = await _c.Get(_c.Url(name), _c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That((int?)preview.Session["properties"]!["custom"]!["x"], Is.EqualTo(1));
            Assert.That(after.Session["properties"]!["custom"]!.AsObject(), Is.Empty);
            Assert.That(after.ETag, Is.EqualTo(created.ETag));
        });
    }

    // ---- merge rules ----

    [Test, Requirement("MERGE-CUSTOM-KEYS")]
    public async Task CustomProperties_MergeKeyByKey_NullRemovesAKey_NestedValuesAreReplacedWhole()
    {
        var name = Name();
        await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice, ""","properties":{"custom":{"keep":1}}"""));
        await _c.Put(_c.Url(name), _c.Alice, """{"properties":{"custom":{"a":1,"b":{"x":1,"y":2},"gone":true}}}""");
        var reply = await _c.Put(_c.Url(name), _c.Alice, """{"properties":{"custom":{"b":{"x":9},"gone":null,"c":[1]}}}""");
        Assert.That(reply.Session["properties"]!["custom"]!.ToJsonString(), Is.EqualTo("""{"a":1,"b":{"x":9},"c":[1]}"""));
    }

    [Test, Requirement("MERGE-SYSTEM-REPLACE")]
    public async Task SystemProperties_AreReplacedWhole_FieldByField()
    {
        var name = Name();
        await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        await _c.Put(_c.Url(name), _c.Alice, """{"properties":{"system":{"keywords":["a","b"],"matchmaking":{"serverConnectionString":"s1","targetSessionConstants":{"k":1}}}}}""");
        var reply = await _c.Put(_c.Url(name), _c.Alice, """{"properties":{"system":{"matchmaking":{"serverConnectionString":"s2"}}}}""");
        var system = reply.Session["properties"]!["system"]!;
        Assert.Multiple(() =>
        {
            Assert.That(system["keywords"]!.ToJsonString(), Is.EqualTo("""["a","b"]"""));
            Assert.That(system["matchmaking"]!.ToJsonString(), Is.EqualTo("""{"serverConnectionString":"s2"}"""));
        });
    }

    [Test, Requirement("MERGE-SYSTEM-REPLACE")]
    public async Task MemberSubscriptions_AreMergedPerKey_NullRemovesOne()
    {
        var name = Name();
        await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice,
            ""","properties":{"system":{"subscriptions":{"A1":{"profile":"party"},"B2":{"profile":"roster"}}}}"""));
        var reply = await _c.Put(_c.Url(name), _c.Alice, """{"members":{"me":{"properties":{"system":{"subscriptions":{"A1":null,"C3":{"profile":"queue"}}}}}}}""");
        Assert.That(reply.Session["members"]!["0"]!["properties"]!["system"]!["subscriptions"]!.ToJsonString(),
            Is.EqualTo("""{"B2":{"profile":"roster"},"C3":{"profile":"queue"}}"""));
    }

    // ---- constants ----

    [Test, Requirement("CONST-FIXED-409", "PUT-CREATE-TEMPLATE-MERGE")]
    public async Task CreateThatClashesWithTemplateConstants_Returns409_AndCreatesNothing()
    {
        var name = Name();
        var reply = await _c.Put(_c.Url(name), _c.Alice, "{\"constants\":{\"system\":{\"maxMembersCount\":4}}," + ReferenceClient.Join(_c.Alice)[1..]);
        var get = await _c.Get(_c.Url(name), _c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.Conflict), reply.ToString());
            Assert.That(reply.MediaType, Is.EqualTo("text/plain"));
            Assert.That(get.Status, Is.EqualTo(HttpStatusCode.NoContent));
        });
    }

    [Test, Requirement("CONST-FIXED-409")]
    public async Task ConstantsAfterCreation_IdenticalAccepted_DifferentOrNewRejectedWith409()
    {
        var name = Name();
        var created = await _c.Put(_c.Url(name), _c.Alice, "{\"constants\":{\"custom\":{\"mode\":\"ctf\"}}," + ReferenceClient.Join(_c.Alice)[1..]);
        var same = await _c.Put(_c.Url(name), _c.Alice, """{"constants":{"custom":{"mode":"ctf"},"system":{"visibility":"open"}}}""");
        var different = await _c.Put(_c.Url(name), _c.Alice, """{"constants":{"custom":{"mode":"dm"}}}""");
        var added = await _c.Put(_c.Url(name), _c.Alice, """{"constants":{"custom":{"extra":1}}}""");
        var after = await _c.Get(_c.Url(name), _c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(created.Status, Is.EqualTo(HttpStatusCode.Created), created.ToString());
            Assert.That(same.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(different.Status, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(added.Status, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(after.ETag, Is.EqualTo(created.ETag));
        });
    }

    // ---- members ----

    [Test, Requirement("MEMBER-JOIN-ME", "MEMBER-INDEX-ASSIGN", "RESP-LINKED-LIST")]
    public async Task Joins_AreAppendedAtMembersInfoNext_AsALinkedList()
    {
        var name = Name();
        await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        await _c.Put(_c.Url(name), _c.Bob, ReferenceClient.Join(_c.Bob));
        var reply = await _c.Put(_c.Url(name), _c.Carol, ReferenceClient.Join(_c.Carol));
        var members = reply.Session["members"]!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)members["1"]!["constants"]!["system"]!["xuid"], Is.EqualTo(_c.Bob.Xuid));
            Assert.That((int?)members["0"]!["next"], Is.EqualTo(1));
            Assert.That((int?)members["2"]!["next"], Is.EqualTo(3));
            Assert.That(reply.Session["membersInfo"]!.ToJsonString(), Is.EqualTo("""{"first":0,"next":3,"count":3,"accepted":3}"""));
        });
    }

    [Test, Requirement("MEMBER-LEAVE-NULL", "MEMBER-INDEX-ASSIGN")]
    public async Task Leave_ByNullOrDelete_RemovesTheCaller_AndIndexesAreNeverReused()
    {
        var name = Name();
        await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        await _c.Put(_c.Url(name), _c.Bob, ReferenceClient.Join(_c.Bob));
        await _c.Put(_c.Url(name), _c.Carol, ReferenceClient.Join(_c.Carol));
        var left = await _c.Put(_c.Url(name), _c.Bob, """{"members":{"me":null}}""");
        var deleted = await _c.Delete(_c.Url(name, suffix: "/members/me"), _c.Carol);
        var rejoined = await _c.Put(_c.Url(name), _c.Bob, ReferenceClient.Join(_c.Bob));
        Assert.Multiple(() =>
        {
            Assert.That(left.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(left.Session["members"]!.AsObject().Select(m => m.Key), Is.EqualTo(new[] { "0", "2" }));
            Assert.That(deleted.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(deleted.Session["members"]!.AsObject().Select(m => m.Key), Is.EqualTo(new[] { "0" }));
            Assert.That(rejoined.Session["members"]!.AsObject().Select(m => m.Key), Is.EqualTo(new[] { "0", "3" }));
        });
    }

    [TestCase(true), TestCase(false)]
    [Requirement("MEMBER-LAST-LEAVE-204", "TIMER-SESSION-EMPTY")]
    public async Task LastMemberLeaving_Returns204_AndTheSessionIsGone(bool byDelete)
    {
        var name = Name();
        await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var reply = byDelete
            ? await _c.Delete(_c.Url(name, suffix: "/members/me"), _c.Alice)
            : await _c.Put(_c.Url(name), _c.Alice, """{"members":{"me":null}}""");
        var get = await _c.Get(_c.Url(name), _c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(get.Status, Is.EqualTo(HttpStatusCode.NoContent));
        });
    }

    [Test, Requirement("DELETE-MISSING-ELEMENT")]
    public async Task DeleteMe_ByANonMember_Returns404_AndChangesNothing()
    {
        var name = Name();
        var created = await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var reply = await _c.Delete(_c.Url(name, suffix: "/members/me"), _c.Bob);
        var missing = await _c.Delete(_c.Url(Name(), suffix: "/members/me"), _c.Bob);
        var after = await _c.Get(_c.Url(name), _c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(missing.Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(after.ETag, Is.EqualTo(created.ETag));
        });
    }

    [Test, Requirement("RESERVE-ORDER", "RESERVE-CLEARED-ON-JOIN", "RESP-LINKED-LIST")]
    public async Task Reservations_AreAppendedInRequestOrder_AndClearedOnTheMembersFirstPut()
    {
        var name = Name();
        await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var reserved = await _c.Put(_c.Url(name), _c.Alice,
            Reserve(("reserve_1", _c.Carol.Xuid!, false), ("reserve_0", _c.Bob.Xuid!, true)));
        var joined = await _c.Put(_c.Url(name), _c.Bob, ReferenceClient.Join(_c.Bob));
        var members = reserved.Session["members"]!;
        Assert.Multiple(() =>
        {
            Assert.That((string?)members["1"]!["constants"]!["system"]!["xuid"], Is.EqualTo(_c.Carol.Xuid), "request order, not key order");
            Assert.That((bool?)members["2"]!["reserved"], Is.True);
            Assert.That(members["2"]!["gamertag"], Is.Null, "no gamertag before the member accepted");
            Assert.That((int?)reserved.Session["membersInfo"]!["accepted"], Is.EqualTo(1));
            Assert.That(joined.Session["members"]!["2"]!["reserved"], Is.Null);
            Assert.That((bool?)joined.Session["members"]!["2"]!["constants"]!["system"]!["initialize"], Is.True);
            Assert.That((int?)joined.Session["membersInfo"]!["accepted"], Is.EqualTo(2));
        });
    }

    [Test, Requirement("MEMBER-OWN-PROPS-ONLY-403")]
    public async Task UserWritingAnotherMemberByIndex_Returns403_AndChangesNothing()
    {
        var name = Name();
        await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var joined = await _c.Put(_c.Url(name), _c.Bob, ReferenceClient.Join(_c.Bob));
        var write = await _c.Put(_c.Url(name), _c.Bob, """{"members":{"0":{"properties":{"custom":{"pwned":true}}}}}""");
        var remove = await _c.Put(_c.Url(name), _c.Bob, """{"members":{"0":null}}""");
        var after = await _c.Get(_c.Url(name), _c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(write.Status, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(write.Body, Does.Contain("existing member references"));
            Assert.That(remove.Status, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(after.ETag, Is.EqualTo(joined.ETag));
        });
    }

    [Test, Requirement("MEMBER-DELETE-INDEX")]
    public async Task ServerPrincipal_RemovesAMemberByIndex_ByNullOrDelete_UsersCannot()
    {
        var name = Name();
        await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        await _c.Put(_c.Url(name), _c.Bob, ReferenceClient.Join(_c.Bob));
        await _c.Put(_c.Url(name), _c.Carol, ReferenceClient.Join(_c.Carol));
        var byUser = await _c.Delete(_c.Url(name, suffix: "/members/1"), _c.Alice);
        var byNull = await _c.Put(_c.Url(name), _c.ServerPrincipal, """{"members":{"1":null}}""");
        var byDelete = await _c.Delete(_c.Url(name, suffix: "/members/2"), _c.ServerPrincipal);
        var missing = await _c.Delete(_c.Url(name, suffix: "/members/7"), _c.ServerPrincipal);
        Assert.Multiple(() =>
        {
            Assert.That(byUser.Status, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(byNull.Session["members"]!.AsObject().Select(m => m.Key), Is.EqualTo(new[] { "0", "2" }));
            Assert.That(byDelete.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(byDelete.Session["members"]!.AsObject().Select(m => m.Key), Is.EqualTo(new[] { "0" }));
            Assert.That(missing.Status, Is.EqualTo(HttpStatusCode.NotFound));
        });
    }

    [Test, Requirement("SESSION-FULL")]
    public async Task JoinOrReserveBeyondMaxMembersCount_Returns403()
    {
        var name = Name();
        await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var filled = await _c.Put(_c.Url(name), _c.Alice,
            Reserve(Enumerable.Range(0, 7).Select(i => ($"reserve_{i}", (900 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), false)).ToArray()));
        var join = await _c.Put(_c.Url(name), _c.Bob, ReferenceClient.Join(_c.Bob));
        Assert.Multiple(() =>
        {
            Assert.That((int?)filled.Session["membersInfo"]!["count"], Is.EqualTo(8));
            Assert.That(join.Status, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(join.Body, Does.Contain("full"));
        });
    }

    // ---- servers ----

    [Test, Requirement("SERVERS-PRINCIPAL-ONLY", "SERVERS-NULL-REMOVES")]
    public async Task Servers_AreWrittenOnlyByTheServerPrincipal_NullOrDeleteRemoves()
    {
        var name = Name();
        await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var byUser = await _c.Put(_c.Url(name), _c.Alice, """{"servers":{"arbiter":{"properties":{"custom":{"a":1}}}}}""");
        var added = await _c.Put(_c.Url(name), _c.ServerPrincipal, """{"servers":{"arbiter":{"properties":{"custom":{"a":1}}},"relay":{}}}""");
        var nulled = await _c.Put(_c.Url(name), _c.ServerPrincipal, """{"servers":{"arbiter":null}}""");
        var deleted = await _c.Delete(_c.Url(name, suffix: "/servers/relay"), _c.ServerPrincipal);
        var deleteByUser = await _c.Delete(_c.Url(name, suffix: "/servers/relay"), _c.Alice);
        var missing = await _c.Delete(_c.Url(name, suffix: "/servers/relay"), _c.ServerPrincipal);
        Assert.Multiple(() =>
        {
            Assert.That(byUser.Status, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That((int?)added.Session["servers"]!["arbiter"]!["properties"]!["custom"]!["a"], Is.EqualTo(1));
            Assert.That(nulled.Session["servers"]!.AsObject().Select(s => s.Key), Is.EqualTo(new[] { "relay" }));
            Assert.That(deleted.Session["servers"]!.AsObject(), Is.Empty);
            Assert.That(deleteByUser.Status, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(missing.Status, Is.EqualTo(HttpStatusCode.NotFound));
        });
    }

    // ---- visibility ----

    [Test, Requirement("VIS-PRIVATE-READ-403", "VIS-PRIVATE-JOIN-403")]
    public async Task PrivateSession_NonMembersCannotReadOrJoin_ReservedUsersCan()
    {
        var name = Name();
        var created = await _c.Put(_c.Url(name, "closed-club"), _c.Alice, ReferenceClient.Join(_c.Alice));
        var read = await _c.Get(_c.Url(name, "closed-club"), _c.Bob);
        var join = await _c.Put(_c.Url(name, "closed-club"), _c.Bob, ReferenceClient.Join(_c.Bob));
        await _c.Put(_c.Url(name, "closed-club"), _c.Alice, Reserve(("reserve_0", _c.Carol.Xuid!, false)));
        var reservedRead = await _c.Get(_c.Url(name, "closed-club"), _c.Carol);
        var reservedJoin = await _c.Put(_c.Url(name, "closed-club"), _c.Carol, ReferenceClient.Join(_c.Carol));
        var serverRead = await _c.Get(_c.Url(name, "closed-club"), _c.ServerPrincipal);
        Assert.Multiple(() =>
        {
            Assert.That(created.Status, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(read.Status, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(read.Body, Does.Contain("private sessions can only be read by members"));
            Assert.That(join.Status, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(reservedRead.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(reservedJoin.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(serverRead.Status, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test, Requirement("PROPS-KEYWORDS-PRIVATE")]
    public async Task KeywordsOnAPrivateSession_Return400()
    {
        var name = Name();
        await _c.Put(_c.Url(name, "closed-club"), _c.Alice, ReferenceClient.Join(_c.Alice));
        var reply = await _c.Put(_c.Url(name, "closed-club"), _c.Alice, """{"properties":{"system":{"keywords":["x"]}}}""");
        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test, Requirement("PROPS-HOST-MUST-MATCH")]
    public async Task HostThatIsNoMembersDeviceToken_IsSilentlyDropped()
    {
        var name = Name();
        var joined = await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice, ""","properties":{"system":{"secureDeviceAddress":"AQID"}}"""));
        var token = (string)joined.Session["members"]!["0"]!["deviceToken"]!;
        var wrong = await _c.Put(_c.Url(name), _c.Alice, """{"properties":{"system":{"host":"not-a-token"}}}""");
        var right = await _c.Put(_c.Url(name), _c.Alice, new JsonObject { ["properties"] = new JsonObject { ["system"] = new JsonObject { ["host"] = token.ToUpperInvariant() } } }.ToJsonString());
        Assert.Multiple(() =>
        {
            Assert.That(wrong.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(wrong.Session["properties"]!["system"]!["host"], Is.Null);
            Assert.That((string?)right.Session["properties"]!["system"]!["host"], Is.EqualTo(token.ToUpperInvariant()));
        });
    }

    // ---- concurrency headers ----

    [Test, Requirement("IFMATCH-STALE-412")]
    public async Task IfMatchWithAStaleETag_Returns412_WithTheCurrentSessionAndETag()
    {
        var name = Name();
        var created = await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var changed = await _c.Put(_c.Url(name), _c.Alice, """{"properties":{"custom":{"v":2}}}""");
        var stale = await _c.Put(_c.Url(name), _c.Alice, """{"properties":{"custom":{"v":3}}}""", ("If-Match", created.ETag!));
        Assert.Multiple(() =>
        {
            Assert.That(stale.Status, Is.EqualTo(HttpStatusCode.PreconditionFailed));
            Assert.That(stale.MediaType, Is.EqualTo("application/json"));
            Assert.That(stale.ETag, Is.EqualTo(changed.ETag));
            Assert.That(stale.Body, Is.EqualTo(changed.Body));
        });
    }

    [Test, Requirement("IFMATCH-STALE-412")]
    public async Task IfMatchWithTheCurrentETag_Succeeds()
    {
        var name = Name();
        var created = await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var reply = await _c.Put(_c.Url(name), _c.Alice, """{"properties":{"custom":{"v":2}}}""", ("If-Match", created.ETag!));
        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test, Requirement("IFMATCH-STAR-MISSING-412")]
    public async Task IfMatchStar_OnAMissingSession_Returns412_AndCreatesNothing()
    {
        var name = Name();
        var reply = await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice), ("If-Match", "*"));
        var get = await _c.Get(_c.Url(name), _c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.PreconditionFailed));
            Assert.That(get.Status, Is.EqualTo(HttpStatusCode.NoContent));
        });
    }

    [Test, Requirement("IFNONEMATCH-STAR-CREATE-ONLY")]
    public async Task IfNoneMatchStar_CreatesOnce_ThenReturns412WithTheSession()
    {
        var name = Name();
        var first = await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice), ("If-None-Match", "*"));
        var second = await _c.Put(_c.Url(name), _c.Bob, ReferenceClient.Join(_c.Bob), ("If-None-Match", "*"));
        Assert.Multiple(() =>
        {
            Assert.That(first.Status, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(second.Status, Is.EqualTo(HttpStatusCode.PreconditionFailed));
            Assert.That(second.ETag, Is.EqualTo(first.ETag));
            Assert.That((int?)second.Session["membersInfo"]!["count"], Is.EqualTo(1));
        });
    }

    [Test, Requirement("GET-IFNONEMATCH-304", "GET-200")]
    public async Task GetWithTheCurrentETag_Returns304_ThenAfterAChange200()
    {
        var name = Name();
        var created = await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var unchanged = await _c.Get(_c.Url(name), _c.Alice, ("If-None-Match", created.ETag!));
        await _c.Put(_c.Url(name), _c.Alice, """{"properties":{"custom":{"v":2}}}""");
        var changed = await _c.Get(_c.Url(name), _c.Alice, ("If-None-Match", created.ETag!));
        Assert.Multiple(() =>
        {
            Assert.That(unchanged.Status, Is.EqualTo(HttpStatusCode.NotModified));
            Assert.That(unchanged.Body, Is.Empty);
            Assert.That(changed.Status, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    // ---- the properties sub-resource ----

    [Test, Requirement("PROPSRES-MISSING-404")]
    public async Task PutProperties_SessionMissing_Returns404_AndCreatesNothing()
    {
        var name = Name();
        var reply = await _c.Put(_c.Url(name, suffix: "/properties"), _c.Alice, """{"custom":{"a":1}}""");
        var get = await _c.Get(_c.Url(name), _c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(reply.MediaType, Is.EqualTo("text/plain"));
            Assert.That(get.Status, Is.EqualTo(HttpStatusCode.NoContent));
        });
    }

    [Test, Requirement("PROPSRES-SAME-AS-PUT", "PROPSRES-STATUS")]
    public async Task PutProperties_HasTheSameEffectAsASessionPut()
    {
        var viaSession = Name();
        var viaProperties = Name();
        foreach (var name in new[] { viaSession, viaProperties })
        {
            await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        }
        var body = """{"system":{"keywords":["k"]},"custom":{"a":{"b":1}}}""";
        var a = await _c.Put(_c.Url(viaSession), _c.Alice, "{\"properties\":" + body + "}");
        var b = await _c.Put(_c.Url(viaProperties, suffix: "/properties"), _c.Alice, body);
        Assert.Multiple(() =>
        {
            Assert.That(b.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(b.Session["properties"]!.ToJsonString(), Is.EqualTo(a.Session["properties"]!.ToJsonString()));
        });
    }

    [Test, Requirement("PROPSRES-SAME-AS-PUT")]
    public async Task PutProperties_HonoursIfMatch()
    {
        var name = Name();
        var created = await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        await _c.Put(_c.Url(name), _c.Alice, """{"properties":{"custom":{"v":1}}}""");
        var stale = await _c.Put(_c.Url(name, suffix: "/properties"), _c.Alice, """{"custom":{"v":2}}""", ("If-Match", created.ETag!));
        Assert.That(stale.Status, Is.EqualTo(HttpStatusCode.PreconditionFailed));
    }

    [Test, Requirement("PROPSRES-SAME-AS-PUT")]
    public async Task PutProperties_RejectsASessionBody()
    {
        var name = Name();
        await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var reply = await _c.Put(_c.Url(name, suffix: "/properties"), _c.Alice, """{"properties":{"custom":{"a":1}}}""");
        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    // ---- non-member writes on an open session ----

    [Test, Requirement("PUT-UPDATE-200")]
    public async Task NonMemberWritingAnOpenSession_IsAccepted_WithoutJoining()
    {
        var name = Name();
        await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var reply = await _c.Put(_c.Url(name), _c.Bob, """{"properties":{"custom":{"note":"hi"}}}""");
        Assert.Multiple(() =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((int?)reply.Session["membersInfo"]!["count"], Is.EqualTo(1));
        });
    }

    [Test, Requirement("MEMBER-JOIN-ME")]
    public async Task MeWithAnotherUsersXuid_Returns403()
    {
        var reply = await _c.Put(_c.Url(Name()), _c.Alice, ReferenceClient.Join(_c.Bob));
        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test, Requirement("MEMBER-JOIN-ME")]
    public async Task MeWrittenByTheServerPrincipal_Returns403()
    {
        var reply = await _c.Put(_c.Url(Name()), _c.ServerPrincipal, """{"members":{"me":{}}}""");
        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.Forbidden));
    }
}
