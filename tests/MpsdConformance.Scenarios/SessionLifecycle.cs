namespace MpsdConformance.Scenarios;

/// <summary>Create, join, update, leave: the session's life.</summary>
public class SessionLifecycle : Scenario
{
    [Test, Requirement("PUT-CREATE-201")]
    public async Task Create_ByJoining_Returns201_WithTheSession()
    {
        var (_, created) = await Create(Alice);
        Expect.Session(created, "a 201 carries the whole session");
        Assert.Multiple(() =>
        {
            Expect.Value(created, "the media type", created.MediaType, Is.EqualTo("application/json"), "201 is application/json");
            Expect.Field(created, "/constants", Is.InstanceOf<JsonObject>(), "constants are present");
            Expect.Field(created, "/properties", Is.InstanceOf<JsonObject>(), "properties are present");
        });
    }

    [Test, Requirement("MEMBER-JOIN-ME")]
    public async Task Create_ByJoining_MakesTheCallerAMember()
    {
        var (_, created) = await Create(Alice);
        var me = Roster.Pointer(Expect.Session(created, "the created session"), Alice.Xuid);
        Assert.Multiple(() =>
        {
            Expect.Field(created, "/members", Roster.Includes(Alice.Xuid), "the caller is a member, its xuid in constants.system");
            Expect.Field(created, me + "/joinTime", Json.Scalar, "joinTime is set");
            Expect.Field(created, "/membersInfo/count", Is.EqualTo(1), "membersInfo.count is 1");
        });
    }

    [Test, Requirement("ETAG-PRESENT")]
    public async Task EverySessionAnswer_CarriesAnETag()
    {
        var (session, created) = await Create(Alice);
        var updated = await T.Put(Alice, session, Custom(new JsonObject { ["v"] = 1 }));
        var read = await T.Get(Alice, session);
        Assert.Multiple(() =>
        {
            foreach (var reply in new[] { created, updated, read })
            {
                Expect.Value(reply, "the ETag header", reply.ETag, Is.Not.Null.And.Not.Empty, "a session answer carries an ETag");
            }
        });
        if (created.ETag is { Length: > 0 } tag)
        {
            Readings.Record("ETAG-PRESENT", tag.StartsWith('"') || tag.StartsWith("W/\"", StringComparison.Ordinal) ? "quoted" : "bare");
        }
    }

    [Test, Requirement("PUT-CREATE-TEMPLATE-MERGE")]
    public async Task Create_MergesTheRequestsConstantsWithTheTemplates()
    {
        var session = T.NewSession();
        var body = JoinWithCustomConstants(Alice, new JsonObject { ["mode"] = "capture-the-flag" });
        var created = await T.Put(Alice, session, body);
        Expect.Status(created, HttpStatusCode.Created, "creating a session with constants of the title");
        Expect.Session(created, "the created session");
        Assert.Multiple(() =>
        {
            Expect.Field(created, "/constants/custom/mode", Is.EqualTo("capture-the-flag"), "the request's constants are in the session");
            Expect.Field(created, "/constants/system", Is.InstanceOf<JsonObject>(), "constants.system holds the template's system constants");
        });
    }

    [Test, Requirement("PUT-CREATE-EMPTY-204", "BODY-FIELDS-OPTIONAL", "GET-MISSING")]
    public async Task CreateWithNoMembers_Returns204_AndNoSessionExists()
    {
        var session = T.NewSession();
        var reply = await T.Put(Alice, session, SessionRequest.Create());
        if (reply.Status == HttpStatusCode.Created && reply.Session is { } joined && MemberOf(joined, Alice.Xuid) is not null)
        {
            // MEMBER-JOIN-ME's implicit-join reading: any PUT by a user adds that user, so a user's {} creates a session
            // with a member. The server principal never joins: its {} is the create that leaves nobody.
            Readings.Record("MEMBER-JOIN-ME", "implicit-join");
            session = T.NewSession();
            reply = await T.Put(ServerPrincipal, session, SessionRequest.Create());
        }
        Expect.Status(reply, HttpStatusCode.NoContent, "a create that leaves nobody in a sessionEmptyTimeout-0 session creates nothing");
        var read = await T.Get(Alice, session);
        var status = Expect.StatusIn(read, "a session that does not exist", HttpStatusCode.NoContent, HttpStatusCode.NotFound);
        Readings.Record("GET-MISSING", status == HttpStatusCode.NoContent ? "204" : "404");
    }

    [Test, Requirement("MEMBER-JOIN-ME", "MEMBER-INDEX-ASSIGN", "RESP-LINKED-LIST")]
    public async Task SecondJoin_IsAppendedAtMembersInfoNext()
    {
        var (session, created) = await Create(Alice);
        var nextBefore = (int?)created.Session!["membersInfo"]?["next"];
        var joined = await T.Put(Bob, session, Join(Bob));
        Expect.Status(joined, HttpStatusCode.OK, "joining an existing open session");
        var bob = MemberOf(joined.Session!, Bob.Xuid);
        var first = MemberOf(created.Session!, Alice.Xuid)!.Value.Index;
        Readings.Record("MEMBER-INDEX-ASSIGN", first == 0 ? "start-0" : first == 1 ? "start-1" : $"start-{first}");
        Assert.Multiple(() =>
        {
            Expect.Field(joined, "/members", Roster.Includes(Bob.Xuid), "the joining user is a member");
            Expect.Value(joined, "Bob's member index", bob?.Index, Is.EqualTo(nextBefore), "the new member gets index membersInfo.next from before the join");
            Expect.Field(joined, "/membersInfo/count", Is.EqualTo(2), "count is 2");
            Expect.Value(joined, "the RESP-LINKED-LIST findings", FindingsFor("RESP-LINKED-LIST").Select(f => f.Message), Is.Empty, "the member list is a consistent linked list");
        });
    }

    [Test, Requirement("PUT-UPDATE-200")]
    public async Task Update_Returns200_WithTheChange()
    {
        var (session, _) = await Create(Alice);
        var updated = await T.Put(Alice, session, Custom(new JsonObject { ["map"] = "harbor" }));
        Expect.Status(updated, HttpStatusCode.OK, "a PUT to an existing session applies the change");
        Expect.Field(updated, "/properties/custom/map", Is.EqualTo("harbor"), "the answer is the whole session with the change");
    }

    [Test, Requirement("ETAG-CHANGES")]
    public async Task Update_GivesANewETag()
    {
        var (session, created) = await Create(Alice);
        var before = ETagOf(created);
        var updated = await T.Put(Alice, session, Custom(new JsonObject { ["map"] = "harbor" }));
        Expect.Value(updated, "the ETag header", updated.ETag, Is.Not.Null.And.Not.Empty.And.Not.EqualTo(before), "a changed session has a new ETag");
    }

    [Test, Requirement("CHANGENUMBER-INCREMENT")]
    public async Task Update_RaisesTheChangeNumber()
    {
        var (session, created) = await Create(Alice);
        var updated = await T.Put(Alice, session, Custom(new JsonObject { ["map"] = "harbor" }));
        Expect.Field(created, "/changeNumber", Is.Not.Null, "a session has a changeNumber");
        Expect.Field(updated, "/changeNumber", Is.GreaterThan((long)created.Session!["changeNumber"]!), "changeNumber grows with each committed change");
    }

    [Test, Requirement("PUT-IDEMPOTENT", "ETAG-CHANGES")]
    public async Task SamePutTwice_ChangesNothingMore()
    {
        var (session, _) = await Create(Alice);
        var body = Custom(new JsonObject { ["a"] = 1, ["b"] = new JsonObject { ["c"] = 2 } });
        var first = await T.Put(Alice, session, body);
        var second = await T.Put(Alice, session, body);
        Expect.Status(second, HttpStatusCode.OK, "repeating a PUT is accepted");
        if (!string.IsNullOrEmpty(first.ETag) && !string.IsNullOrEmpty(second.ETag))
        {
            Readings.Record("ETAG-CHANGES", second.ETag == first.ETag ? "unchanged" : "new-etag");
        }
        Readings.Record("CHANGENUMBER-INCREMENT", (long?)second.Session?["changeNumber"] == (long?)first.Session?["changeNumber"] ? "unchanged" : "plus-one");
        Expect.Unchanged(first, second, "the session is the same after the repeat", "/constants", "/properties", "/members", "/membersInfo", "/servers");
    }

    [Test, Requirement("MEMBER-LEAVE-NULL")]
    public async Task LeaveWithMeNull_RemovesOnlyTheCaller()
    {
        var (session, _) = await Create(Alice);
        await T.Put(Bob, session, Join(Bob));
        var left = await T.Put(Bob, session, SessionRequest.Create().Leave());
        Expect.Status(left, HttpStatusCode.OK, "a member leaving a session others are still in");
        Assert.Multiple(() =>
        {
            Expect.Field(left, "/members", Roster.Excludes(Bob.Xuid), "the caller is gone");
            Expect.Field(left, "/members", Roster.Includes(Alice.Xuid), "the other member stays");
        });
    }

    [Test, Requirement("MEMBER-LEAVE-NULL")]
    public async Task DeleteMembersMe_RemovesTheCaller()
    {
        var (session, _) = await Create(Alice);
        await T.Put(Bob, session, Join(Bob));
        var left = await T.DeleteMe(Bob, session);
        Expect.Status(left, HttpStatusCode.OK, "DELETE .../members/me of a member, others remaining");
        Expect.Session(left, "the answer is the session without the caller");
        Expect.Field(left, "/members", Roster.Excludes(Bob.Xuid), "the answer is the session without the caller");
    }

    [TestCase(false), TestCase(true)]
    [Requirement("MEMBER-LAST-LEAVE-204", "TIMER-SESSION-EMPTY")]
    public async Task LastMemberLeaving_Returns204_AndTheSessionIsGone(bool byDelete)
    {
        var (session, _) = await Create(Alice);
        var left = byDelete ? await T.DeleteMe(Alice, session) : await T.Put(Alice, session, SessionRequest.Create().Leave());
        Expect.Status(left, HttpStatusCode.NoContent, "the last member leaving a sessionEmptyTimeout-0 session deletes it");
        var read = await T.Get(Alice, session);
        Expect.StatusIn(read, "the session is gone", HttpStatusCode.NoContent, HttpStatusCode.NotFound);
    }
}
