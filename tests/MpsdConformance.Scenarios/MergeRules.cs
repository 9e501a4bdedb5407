namespace MpsdConformance.Scenarios;

/// <summary>How writes merge: custom per key, system fields whole, constants fixed.</summary>
public class MergeRules : Scenario
{
    [Test, Requirement("MERGE-CUSTOM-KEYS")]
    public async Task CustomProperties_MergeKeyByKey_AndNullRemovesAKey()
    {
        var (session, _) = await Create(Alice);
        await T.Put(Alice, session, Custom(new JsonObject { ["keep"] = 1, ["gone"] = true, ["nested"] = new JsonObject { ["x"] = 1, ["y"] = 2 } }));
        var reply = await T.Put(Alice, session, Custom(new JsonObject { ["gone"] = null, ["added"] = "v", ["nested"] = new JsonObject { ["x"] = 9 } }));
        Expect.Status(reply, HttpStatusCode.OK, "merging custom properties");
        var custom = reply.Session?["properties"]?["custom"] as JsonObject;
        var nested = custom?["nested"] as JsonObject;
        Readings.Record("MERGE-CUSTOM-KEYS", nested?.ContainsKey("y") == true ? "deep-merge" : custom?.ContainsKey("gone") == true ? "null-stored" : "top-level-keys");
        Assert.Multiple(() =>
        {
            Expect.Field(reply, "/properties/custom/keep", Is.EqualTo(1), "a key the write does not name is kept");
            Expect.Field(reply, "/properties/custom/added", Is.EqualTo("v"), "a new key is added");
            Expect.Field(reply, "/properties/custom/nested/x", Is.EqualTo(9), "a written key takes the new value");
            Expect.Field(reply, "/properties/custom/gone", Is.Null, "a key written as null is removed (or stored as null)");
        });
    }

    [Test, Requirement("MERGE-SYSTEM-REPLACE")]
    public async Task SystemProperties_AreReplacedWholeFieldByField()
    {
        var (session, _) = await Create(Alice);
        await T.Put(Alice, session, SessionRequest.Create()
            .Properties(p => p
                .System("keywords", new JsonArray("a", "b"))
                .System("matchmaking", new JsonObject { ["serverConnectionString"] = "s1", ["targetSessionConstants"] = new JsonObject { ["k"] = 1 } })));
        var reply = await T.Put(Alice, session, SessionRequest.Create()
            .Properties(p => p
                .System("matchmaking", new JsonObject { ["serverConnectionString"] = "s2" })));
        Expect.Status(reply, HttpStatusCode.OK, "writing one system field");
        Assert.Multiple(() =>
        {
            Expect.Field(reply, "/properties/system/keywords", Json.EqualTo("""["a","b"]"""), "a system field the write does not name is kept");
            Expect.Field(reply, "/properties/system/matchmaking/targetSessionConstants", Is.Null, "a written system field is replaced whole, not merged");
        });
    }

    [Test, Requirement("CONST-FIXED-409")]
    public async Task ConstantsAfterCreation_CannotChange()
    {
        var session = T.NewSession();
        var body = JoinWithCustomConstants(Alice, new JsonObject { ["mode"] = "ctf" });
        ExpectCreated(await T.Put(Alice, session, body), "creating with a custom constant");
        var same = await T.Put(Alice, session, SessionRequest.Create()
            .Constants(c => c
                .Custom("mode", "ctf")));
        var sameStatus = Expect.StatusIn(same, "re-sending identical constants (the docs allow either answer)", HttpStatusCode.OK, HttpStatusCode.Conflict);
        Readings.Record("PUT-IDEMPOTENT", sameStatus == HttpStatusCode.OK ? "200" : "409");
        var added = await T.Put(Alice, session, SessionRequest.Create()
            .Constants(c => c
                .Custom("extra", 1)));
        var addedStatus = Expect.StatusIn(added, "adding a constant after creation (undocumented: 409, 200 or 400)", HttpStatusCode.Conflict, HttpStatusCode.OK, HttpStatusCode.BadRequest);
        Readings.Record("CONST-FIXED-409", ((int)addedStatus).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var changed = await T.Put(Alice, session, SessionRequest.Create()
            .Constants(c => c
                .Custom("mode", "dm")));
        Expect.Status(changed, HttpStatusCode.Conflict, "a constant cannot change once the session exists");
        var after = await T.Get(Alice, session);
        Expect.Field(after, "/constants/custom/mode", Is.EqualTo("ctf"), "the stored constant is unchanged");
    }

    [Test, Requirement("NOCOMMIT-NO-STORE")]
    public async Task NoCommit_AnswersTheMerge_WithoutStoringIt()
    {
        var (session, created) = await Create(Alice);
        var preview = await T.Send(HttpMethod.Put, T.Url(session) + "?nocommit=true", Alice, Custom(new JsonObject { ["x"] = 1 }), MpsdConformance.Contract.SchemaKind.Request, []);
        var after = await T.Get(Alice, session);
        Assert.Multiple(() =>
        {
            Expect.Field(preview, "/properties/custom/x", Is.EqualTo(1), "the answer shows the merge");
            Expect.Field(after, "/properties/custom/x", Is.Null, "the stored session is unchanged");
        });
    }
}
