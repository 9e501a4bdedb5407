using System.Text.RegularExpressions;

namespace MpsdConformance.Scenarios;

/// <summary>Headers, errors, GET, the properties sub-resource, and the shape of every answer.</summary>
public class Protocol : Scenario
{
    [Test, Requirement("GET-200")]
    public async Task GetOfAnExistingSession_Returns200WithTheSessionAsJson()
    {
        var (session, _) = await Create(Alice);
        var read = await T.Get(Alice, session);
        Expect.Status(read, HttpStatusCode.OK, "GET of an existing session");
        Expect.Value(read, "the media type", read.MediaType, Is.EqualTo("application/json"), "the body is the session as application/json");
        Expect.Session(read, "the body is the session as application/json");
    }

    [Test, Requirement("GET-MISSING")]
    public async Task GetOfAMissingSession_Returns204Or404()
    {
        var read = await T.Get(Alice, T.NewSession());
        var status = Expect.StatusIn(read, "GET of a session that does not exist (204 per the status-code page, 404 per the FAQ)", HttpStatusCode.NoContent, HttpStatusCode.NotFound);
        Readings.Record("GET-MISSING", ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Test, Requirement("PROPSRES-MISSING-404")]
    public async Task PutProperties_OnAMissingSession_Gets404_AndCreatesNothing()
    {
        var session = T.NewSession();
        var reply = await T.PutProperties(Alice, session, SessionRequest.PropertiesResource(p => p
            .Custom("a", 1)));
        Expect.Status(reply, HttpStatusCode.NotFound, "PUT .../properties never creates a session");
        Readings.Record("PROPSRES-MISSING-404", reply.Body.Length == 0 ? "empty" : "text-message");
        await ExpectGone(session, "nothing was created");
    }

    [Test, Requirement("PROPSRES-SAME-AS-PUT")]
    public async Task PutProperties_ByAUserWhoIsNoMember_GetsADocumentedReading()
    {
        var (session, _) = await Create(Alice);
        var reply = await T.PutProperties(Bob, session, SessionRequest.PropertiesResource(p => p
            .Custom("byBob", 1)));
        // Which success status is PROPSRES-STATUS's to judge; here only allowed (any 2xx) or refused (403) counts.
        var status = reply.Status == HttpStatusCode.Forbidden || (int)reply.Status is < 200 or > 299
            ? Expect.StatusIn(reply, "PUT .../properties of an open session by a user who is no member (undocumented: allowed as a session PUT is, or 403)",
                HttpStatusCode.OK, HttpStatusCode.NoContent, HttpStatusCode.Forbidden)
            : HttpStatusCode.OK;
        Readings.Record("PROPSRES-SAME-AS-PUT", status == HttpStatusCode.Forbidden ? "member-only" : "allowed");
        var after = await T.Get(Alice, session);
        Expect.Field(after, "/properties/custom/byBob", status == HttpStatusCode.Forbidden ? Is.Null : Is.EqualTo(1),
            status == HttpStatusCode.Forbidden ? "the refused write stored nothing" : "the accepted write was stored");
    }

    [Test, Requirement("PROPSRES-SAME-AS-PUT")]
    public async Task PutProperties_HasTheEffectOfASessionPut()
    {
        var (session, _) = await Create(Alice);
        var reply = await T.PutProperties(Alice, session, SessionRequest.PropertiesResource(p => p
            .System("keywords", new JsonArray("k"))
            .Custom("a", new JsonObject { ["b"] = 1 })));
        Expect.Value(reply, "the status", (int)reply.Status, Is.InRange(200, 299), "PUT .../properties on an existing session succeeds (which success status is PROPSRES-STATUS's)");
        var after = await T.Get(Alice, session);
        Assert.Multiple(() =>
        {
            Expect.Field(after, "/properties/custom/a", Json.EqualTo("""{"b":1}"""), "the custom property was written");
            Expect.Field(after, "/properties/system/keywords", Json.EqualTo("""["k"]"""), "the system property was written");
        });
    }

    [Test, Requirement("PROPSRES-STATUS")]
    public async Task PutProperties_Answers200WithTheSession_Or204()
    {
        var (session, _) = await Create(Alice);
        var reply = await T.PutProperties(Alice, session, SessionRequest.PropertiesResource(p => p
            .Custom("a", 1)));
        var status = Expect.StatusIn(reply, "a successful PUT .../properties (200 with the session or, Q7, with the property bag alone; or 204 without a body)",
            HttpStatusCode.OK, HttpStatusCode.NoContent);
        // 200 with the whole session, 200 with the property bag alone, or 204: the answer's shape is Q7's open question.
        var whole = reply.Session?.ContainsKey("membersInfo") == true || reply.Session?.ContainsKey("constants") == true;
        Readings.Record("PROPSRES-STATUS", status == HttpStatusCode.NoContent ? "204" : whole ? "200" : "200-properties");
        if (status == HttpStatusCode.OK && whole)
        {
            Expect.Session(reply, "a 200 carries the whole session as application/json");
        }
        else if (status == HttpStatusCode.OK)
        {
            Expect.Field(reply, "/custom/a", Is.EqualTo(1), "a 200 with the property bag alone carries the written property");
        }
        else
        {
            Expect.Value(reply, "the body", reply.Body, Is.Empty, "a 204 has no body");
        }
    }

    [Test, Requirement("PROPSRES-SAME-AS-PUT")]
    public async Task PutProperties_HonoursIfMatch()
    {
        var (session, created) = await Create(Alice);
        await T.Put(Alice, session, Custom(new JsonObject { ["v"] = 1 }));
        var stale = await T.PutProperties(Alice, session, SessionRequest.PropertiesResource(p => p
            .Custom("v", 2)), ("If-Match", ETagOf(created)));
        Expect.Status(stale, HttpStatusCode.PreconditionFailed, "PUT .../properties with a stale If-Match");
    }

    [TestCase("contractVersion"), TestCase("membersInfo"), TestCase("correlationId")]
    [Requirement("BODY-TOPLEVEL-ALLOWED")]
    public async Task ProhibitedTopLevelMember_IsRefused_AndStoresNothing(string member)
    {
        var session = T.NewSession();
        var body = JsonNode.Parse(Join(Alice))!.AsObject();
        body[member] = member == "contractVersion" ? 107 : member == "correlationId" ? Guid.NewGuid().ToString() : new JsonObject { ["first"] = 0 };
        var reply = await T.PutRaw(Alice, session, body.ToJsonString());
        Expect.Value(reply, "the status", (int)reply.Status, Is.InRange(400, 499), $"a body with the prohibited top-level member '{member}' is refused");
        await ExpectGone(session, "nothing was created");
    }

    [Test, Requirement("PUT-PROHIBITED-400")]
    public async Task ProhibitedTopLevelMember_Gets400_AsText()
    {
        var reply = await T.PutRaw(Alice, T.NewSession(), """{"members":{"me":{}},"etag":"x"}""");
        Expect.Status(reply, HttpStatusCode.BadRequest, "the status-code page's answer for a body invalid on first examination");
        Expect.Value(reply, "the media type", reply.MediaType, Is.EqualTo("text/plain"), "errors are text/plain");
    }

    [TestCase("""{"members":{"me":""", TestName = "MalformedJson_Gets400(truncated)")]
    [TestCase("""{"members":{"me":{}},}""", TestName = "MalformedJson_Gets400(trailing comma)")]
    [TestCase("not json at all", TestName = "MalformedJson_Gets400(text)")]
    [Requirement("PUT-MALFORMED-400")]
    public async Task MalformedJson_Gets400(string body)
    {
        var reply = await T.PutRaw(Alice, T.NewSession(), body);
        Expect.Status(reply, HttpStatusCode.BadRequest, "malformed JSON is refused on first examination");
    }

    [Test, Requirement("CT-ERROR-TEXT")]
    public async Task ErrorAnswers_AreTextPlain()
    {
        var (session, _) = await Create(Alice);
        var errors = new List<(string What, MpsdResponse Reply)>
        {
            ("malformed JSON", await T.PutRaw(Alice, T.NewSession(), "not json at all")),
            ("an unknown template", await T.Get(Alice, new SessionRef("no-such-template-" + Guid.NewGuid().ToString("N")[..8], "mpsdc-" + Guid.NewGuid().ToString("N")))),
            ("POST on the session URI", await T.Send(HttpMethod.Post, T.Url(session), Alice, SessionRequest.Create(), null, [])),
            ("a changed constant", await T.Put(Alice, session, SessionRequest.Create().Constants(c => c.System("maxMembersCount", 3)))),
        };
        var checkedAny = false;
        Assert.Multiple(() =>
        {
            foreach (var (what, reply) in errors.Where(e => (int)e.Reply.Status is 400 or 404 or 405 or 409))
            {
                checkedAny = true;
                Expect.Value(reply, "the media type", reply.MediaType, Is.EqualTo("text/plain"), $"a {(int)reply.Status} ({what}) carries a text/plain message");
            }
        });
        if (!checkedAny)
        {
            Assert.Inconclusive("no request drew a 400, 404, 405 or 409 (their statuses are other requirements')");
        }
    }

    [Test, Requirement("PUT-UNKNOWN-SCID-404")]
    public async Task UnknownTemplate_Gets404()
    {
        var session = new SessionRef("no-such-template-" + Guid.NewGuid().ToString("N")[..8], Guid.NewGuid().ToString());
        var put = await T.Put(Alice, session, Join(Alice));
        var get = await T.Get(Alice, session);
        Assert.Multiple(() =>
        {
            Expect.Status(put, HttpStatusCode.NotFound, "a template that is not configured for sessions");
            Expect.Status(get, HttpStatusCode.NotFound, "a template that is not configured for sessions");
        });
    }

    [TestCase("POST"), TestCase("PATCH")]
    [Requirement("ERR-METHOD-405")]
    public async Task WrongMethodOnTheSessionUri_Gets405(string method)
    {
        var (session, _) = await Create(Alice);
        var reply = await T.Send(new HttpMethod(method), T.Url(session), Alice, SessionRequest.Create(), null, []);
        Expect.Status(reply, HttpStatusCode.MethodNotAllowed, $"{method} is not a method of the session URI");
    }

    [Test, Requirement("HDR-AUTH-XBL3")]
    public async Task RequestWithoutAuthorization_IsRefused()
    {
        var reply = await T.Send(HttpMethod.Get, T.Url(T.NewSession()), null, null, null, []);
        Expect.StatusIn(reply, "a request without an Xbox Live token", HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden);
    }

    [Test, Requirement("HDR-CONTRACT-VERSION")]
    public async Task RequestWithoutContractVersion_GetsADocumentedReading()
    {
        // An existing session, so that serving the request anyway (200) cannot be mistaken for a refusal (a missing session may answer 404).
        var (session, _) = await Create(Alice);
        var reply = await T.Send(HttpMethod.Get, T.Url(session), Alice, null, null, [("X-Xbl-Contract-Version", "")]);
        var status = Expect.StatusIn(reply, "a GET without X-Xbl-Contract-Version (undocumented: 400, served anyway, or 404)",
            HttpStatusCode.BadRequest, HttpStatusCode.OK, HttpStatusCode.NotFound);
        Readings.Record("HDR-CONTRACT-VERSION", status == HttpStatusCode.BadRequest ? "400" : status == HttpStatusCode.NotFound ? "404" : "200-ignored");
    }

    [Test, Requirement("HDR-PATH-CASE-INSENSITIVE")]
    public async Task PathWithSessionTemplatesCapitalT_IsServed_AsTheClientLibrarySendsIt()
    {
        var session = T.NewSession();
        var created = await T.Send(HttpMethod.Put, T.Url(session, sessionTemplatesSegment: "sessionTemplates"), Alice, Join(Alice), MpsdConformance.Contract.SchemaKind.Request, []);
        ExpectCreated(created, "PUT .../sessionTemplates/... (capital T, as Microsoft's client sends it)");
    }

    [Test, Requirement("EXPIRES-HEADER")]
    public async Task PendingTimer_IsAlsoSentAsExpires()
    {
        var (session, _) = await Create(Alice);
        var reserved = await T.Put(Alice, session, Reserve(Bob.Xuid!));
        if (reserved.Session?["nextTimer"] is not JsonValue next)
        {
            Assert.Inconclusive("no nextTimer after a reservation (the template's reservedRemovalTimeout may be null)");
            return;
        }
        var expected = DateTimeOffset.Parse((string)next!, System.Globalization.CultureInfo.InvariantCulture);
        var expires = reserved.ContentHeaders.Expires;
        Expect.That(expires is not null && Math.Abs((expires.Value - expected).TotalSeconds) < 1, reserved,
            $"the Expires header ({(expires is null ? "absent" : expires.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture))}) carries nextTimer ({next}) to the second");
    }

    /// <summary>One case per response-shape requirement, each judged by that requirement's findings alone.</summary>
    public static IEnumerable<TestCaseData> OneCasePerShapeRequirement() =>
        new[]
        {
            "RESP-TOPLEVEL-FIELDS", "RESP-REQUIRED-SECTIONS", "RESP-MEMBERS-KEYS", "RESP-MEMBERSINFO-SHAPE", "RESP-MEMBER-FIELDS", "RESP-MEMBER-SECTIONS",
            "RESP-XUID-STRING", "RESP-ENUM-VALUES", "RESP-CONTRACT-VERSION", "RESP-TIMESTAMP-FORMAT", "RESP-LINKED-LIST", "PROPS-TURN-SHAPE",
        }.Select(id => new TestCaseData(id)
            .SetName($"EverySessionAnswer_IsAValidSessionDocument({id})")
            .SetProperty(RequirementAttribute.PropertyName, id));

    [TestCaseSource(nameof(OneCasePerShapeRequirement))]
    public async Task EverySessionAnswer_IsAValidSessionDocument(string requirement)
    {
        var (session, created) = await Create(Alice);
        var alice = MemberOf(created.Session!, Alice.Xuid)?.Index ?? 0;
        await T.Put(Bob, session, Join(Bob, me => me
            .Properties(p => p
                .Custom("skill", 3))));
        await T.Put(Alice, session, Reserve(Carol.Xuid!));
        var turned = await T.Put(Alice, session, SessionRequest.Create()
            .Properties(p => p
                .System("turn", new JsonArray { alice })
                .System("joinRestriction", "followed")
                .Custom("round", 1)));
        if (turned.Session is { } document)
        {
            Readings.Record("RESP-TIMESTAMP-FORMAT", Timestamps(document).All(t => Regex.IsMatch(t, @"\.[0-9]{7}Z$")) ? "seven-digits" : "any-iso-utc");
            var numbers = Roster.Entries(document["members"]).Any(m => m.Member["constants"]?["system"]?["xuid"]?.GetValueKind() == System.Text.Json.JsonValueKind.Number);
            Readings.Record("RESP-XUID-STRING", numbers ? "number" : "string");
        }
        await T.Get(Bob, session);
        await T.Put(Bob, session, SessionRequest.Create().Leave());
        var mine = FindingsFor(requirement);
        Assert.That(mine, Is.Empty, () => $"every session document must be valid against response.schema.json and consistent ({requirement}):\n" +
            string.Join("\n", mine.Select(f => $"  [{f.Requirement}] {f.Message}  ({f.Url})")) + "\nlast answer:\n" + turned.Exchange.Describe());
    }

    /// <summary>The date-time fields of a session document: startTime, nextTimer, each member's joinTime, initializing.stageStartTime.</summary>
    private static IEnumerable<string> Timestamps(JsonObject session) =>
        new[] { session["startTime"], session["nextTimer"], session["initializing"]?["stageStartTime"] }
            .Concat(Roster.Entries(session["members"]).Select(m => m.Member["joinTime"]))
            .OfType<JsonValue>()
            .Where(v => v.GetValueKind() == System.Text.Json.JsonValueKind.String)
            .Select(v => v.GetValue<string>());
}
