namespace MpsdConformance.Scenarios;

/// <summary>Create, join, update, leave: the session's life.</summary>
public class SessionLifecycle : Scenario
{
    [Test, Requirement("PUT-CREATE-201")]
    public async Task Create_ByJoining_Returns201_WithTheSession()
    {
        var created = await T.Put(Alice, T.NewSession(), Join(Alice));
        Expect.Status(created, HttpStatusCode.Created, "a PUT that joins a session that does not exist creates it");
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
            Expect.Value(created, "membersInfo.count (as a number)", Number(created.Session?["membersInfo"]?["count"]), Is.EqualTo(1), "membersInfo.count is 1");
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
        var (_, plain) = await Create(Alice);
        var template = plain.Session?["constants"]?["system"] as JsonObject ?? [];
        var session = T.NewSession();
        var body = JoinWithCustomConstants(Alice, new JsonObject { ["mode"] = "capture-the-flag" });
        var created = await T.Put(Alice, session, body);
        ExpectCreated(created, "creating a session with constants of the title");
        Expect.Session(created, "the created session");
        Assert.Multiple(() =>
        {
            Expect.Field(created, "/constants/custom/mode", Is.EqualTo("capture-the-flag"), "the request's constants are in the session");
            Expect.Field(created, "/constants/system", Is.InstanceOf<JsonObject>(), "constants.system holds the template's system constants");
            foreach (var (name, value) in template)
            {
                Expect.Field(created, "/constants/system/" + name, Json.EqualTo(value), "the template's system constants (those of a create without constants) are kept when the creator adds its own");
            }
        });
    }

    [Test, Requirement("PUT-CREATE-EMPTY-204")]
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
        await ExpectGone(session, "a create that answered 204 stored no session");
    }

    [Test, Requirement("BODY-FIELDS-OPTIONAL")]
    public async Task EmptyBody_IsAValidWrite_ThatChangesNothing()
    {
        var (session, _) = await Create(Alice);
        var before = await T.Get(Alice, session);
        var reply = await T.Put(Alice, session, SessionRequest.Create());
        Expect.Status(reply, HttpStatusCode.OK, "every field of a PUT body is optional: {} is a valid write");
        var after = await T.Get(Alice, session);
        Expect.Unchanged(before, after, "{} changes nothing", "/constants", "/properties", "/members", "/servers");
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
            Expect.Value(joined, "membersInfo.count (as a number)", Number(joined.Session?["membersInfo"]?["count"]), Is.EqualTo(2), "count is 2");
            Expect.Value(joined, "the RESP-LINKED-LIST findings", FindingsFor("RESP-LINKED-LIST").Select(f => f.Message), Is.Empty, "the member list is a consistent linked list");
        });
    }

    [Test, Requirement("MEMBER-INDEX-ASSIGN")]
    public async Task IndexOfAMemberWhoLeft_IsNeverGivenOutAgain()
    {
        var (session, _) = await Create(Alice);
        var joined = await T.Put(Bob, session, Join(Bob));
        var bobIndex = MemberOf(joined.Session!, Bob.Xuid)?.Index;
        var left = await T.Put(Bob, session, SessionRequest.Create().Leave());
        var nextBefore = (int?)left.Session?["membersInfo"]?["next"];
        var carol = await T.Put(Carol, session, Join(Carol));
        Expect.Status(carol, HttpStatusCode.OK, "joining after another member left");
        var index = MemberOf(carol.Session!, Carol.Xuid)?.Index;
        Assert.Multiple(() =>
        {
            Expect.Value(carol, "Carol's member index", index, Is.Not.EqualTo(bobIndex), $"the index of a member who left ({bobIndex}) is never given out again");
            Expect.Value(carol, "Carol's member index", index, Is.EqualTo(nextBefore), "the new member gets index membersInfo.next from before the join");
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

    [Test, Requirement("PUT-UPDATE-200")]
    public async Task Update_OfAFullSession_Returns200_WithTheChange()
    {
        var (session, created) = await Create(Alice);
        await FillUp(session, created);
        var updated = await T.Put(Alice, session, Custom(new JsonObject { ["map"] = "harbor" }));
        Expect.Status(updated, HttpStatusCode.OK, "a PUT to an existing session applies the change whatever its state, full included");
        Expect.Field(updated, "/properties/custom/map", Is.EqualTo("harbor"), "the answer is the whole session with the change");
    }

    [Test, Requirement("ETAG-CHANGES")]
    public async Task Update_GivesANewETag_ThatALaterGetShows()
    {
        var (session, created) = await Create(Alice);
        var before = ETagOf(created);
        var read = await T.Get(Alice, session);
        var updated = await T.Put(Alice, session, Custom(new JsonObject { ["map"] = "harbor" }));
        var after = await T.Get(Alice, session);
        var (readTag, updatedTag, afterTag) = (ETagOf(read), ETagOf(updated), ETagOf(after));
        Assert.Multiple(() =>
        {
            Expect.Value(read, "the ETag header", readTag, Is.EqualTo(before), "a GET before the change shows the current ETag");
            Expect.Value(updated, "the ETag header", updatedTag, Is.Not.EqualTo(before), "a changed session has a new ETag");
            Expect.Value(after, "the ETag header", afterTag, Is.EqualTo(updatedTag), "a later GET shows the new ETag");
        });
    }

    [Test, Requirement("CHANGENUMBER-INCREMENT")]
    public async Task Update_RaisesTheChangeNumber()
    {
        var (session, created) = await Create(Alice);
        var updated = await T.Put(Alice, session, Custom(new JsonObject { ["map"] = "harbor" }));
        Expect.Field(created, "/changeNumber", Is.Not.Null, "a session has a changeNumber");
        Expect.Field(updated, "/changeNumber", Is.GreaterThan((long)created.Session!["changeNumber"]!), "changeNumber grows with each committed change");
    }

    [Test, Requirement("PUT-IDEMPOTENT")]
    public async Task SamePutTwice_ChangesNothingMore()
    {
        var (session, _) = await Create(Alice);
        // The caller's own entry too, without constants: repeating a write of members.me must not join again.
        const string body = """{"properties":{"custom":{"a":1,"b":{"c":2}}},"members":{"me":{"properties":{"custom":{"ready":true}}}}}""";
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
    [Requirement("MEMBER-LAST-LEAVE-204")]
    public async Task LastMemberLeaving_Returns204(bool byDelete)
    {
        var (session, _) = await Create(Alice);
        var left = byDelete ? await T.DeleteMe(Alice, session) : await T.Put(Alice, session, SessionRequest.Create().Leave());
        if (left.Status == HttpStatusCode.OK && MemberOf(left.Session!, Alice.Xuid) is not null)
        {
            Assert.Inconclusive("the leave did not remove the caller, so the last member never left (MEMBER-LEAVE-NULL records it)");
        }
        Expect.Status(left, HttpStatusCode.NoContent, "the last member leaving a sessionEmptyTimeout-0 session answers 204 without a body");
    }

    [TestCase(false), TestCase(true)]
    [Requirement("TIMER-SESSION-EMPTY")]
    public async Task LastMemberLeaving_DeletesTheSessionAtOnce(bool byDelete)
    {
        var (session, _) = await Create(Alice);
        var left = byDelete ? await T.DeleteMe(Alice, session) : await T.Put(Alice, session, SessionRequest.Create().Leave());
        if (left.Session is { } answer && MemberOf(answer, Alice.Xuid) is not null)
        {
            Assert.Inconclusive("the leave did not remove the caller, so the session never became empty (MEMBER-LEAVE-NULL records it)");
        }
        await ExpectGone(session, "a session whose sessionEmptyTimeout is 0 is deleted as soon as its last member leaves");
    }
}
