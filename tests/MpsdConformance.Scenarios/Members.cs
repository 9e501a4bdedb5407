namespace MpsdConformance.Scenarios;

/// <summary>Reservations, member ownership, servers and fullness.</summary>
public class Members : Scenario
{
    [Test, Requirement("RESERVE-ORDER")]
    public async Task Reservations_AreAppendedInRequestOrder()
    {
        var (session, _) = await Create(Alice);
        var reserved = await T.Put(Alice, session, Reserve(Carol.Xuid!, Bob.Xuid!));
        Expect.Status(reserved, HttpStatusCode.OK, "a member reserving two users");
        var carol = MemberOf(reserved.Session!, Carol.Xuid);
        var bob = MemberOf(reserved.Session!, Bob.Xuid);
        Assert.Multiple(() =>
        {
            Expect.Field(reserved, "/members", Roster.Includes(Carol.Xuid), "reserve_0 (Carol) is a member");
            Expect.Field(reserved, "/members", Roster.Includes(Bob.Xuid), "reserve_1 (Bob) is a member");
            if (carol is not null && bob is not null)
            {
                Expect.That(carol.Value.Index < bob.Value.Index, reserved, $"reserve_0 comes before reserve_1: Carol's index ({carol.Value.Index}) must be below Bob's ({bob.Value.Index})");
            }
            Expect.Field(reserved, Roster.Pointer(reserved.Session, Bob.Xuid) + "/reserved", Is.True, "a reservation shows reserved: true");
            Expect.Field(reserved, Roster.Pointer(reserved.Session, Bob.Xuid) + "/joinTime", Json.Scalar, "a reservation has its joinTime");
        });
    }

    [Test, Requirement("RESERVE-CLEARED-ON-JOIN")]
    public async Task ReservedUsersFirstPut_ClearsReserved_AndRaisesAccepted()
    {
        var (session, _) = await Create(Alice);
        var reserved = await T.Put(Alice, session, Reserve(Bob.Xuid!));
        Expect.Status(reserved, HttpStatusCode.OK, "a member reserving a user");
        var bob = MemberOf(reserved.Session!, Bob.Xuid);
        var acceptedBefore = Number(reserved.Session?["membersInfo"]?["accepted"]);
        var joined = await T.Put(Bob, session, Join(Bob));
        Expect.Status(joined, HttpStatusCode.OK, "a reserved user's first PUT");
        var accepted = MemberOf(joined.Session!, Bob.Xuid);
        Assert.Multiple(() =>
        {
            Expect.Value(joined, "Bob's member index", accepted?.Index, Is.EqualTo(bob?.Index), "the reserved member keeps its index");
            Expect.Field(joined, Roster.Pointer(joined.Session, Bob.Xuid) + "/reserved", Is.Null.Or.False, "reserved is cleared");
            Expect.Value(joined, "membersInfo.accepted (as a number)", Number(joined.Session?["membersInfo"]?["accepted"]), Is.EqualTo(acceptedBefore + 1), "accepted goes up by one");
        });
    }

    [Test, Requirement("MEMBER-OWN-PROPS-ONLY-403")]
    public async Task UserWritingAnotherMemberByIndex_Gets403_AndNothingChanges()
    {
        var (session, created) = await Create(Alice);
        var aliceIndex = MemberOf(created.Session!, Alice.Xuid)!.Value.Index;
        await T.Put(Bob, session, Join(Bob));
        var before = await T.Get(Bob, session);
        var reply = await T.Put(Bob, session, SessionRequest.Create()
            .MemberAt(aliceIndex, m => m
                .Properties(p => p
                    .Custom("pwned", true))));
        Expect.Status(reply, HttpStatusCode.Forbidden, "member properties belong to their user; a user body naming another member by index is refused");
        var after = await T.Get(Bob, session);
        Expect.Unchanged(before, after, "the members are unchanged", "/members");
    }

    [Test, Requirement("MEMBER-DELETE-INDEX")]
    public async Task ServerPrincipal_RemovesAMemberByIndex()
    {
        var server = ServerPrincipal;
        var (session, _) = await Create(Alice);
        var joined = await T.Put(Bob, session, Join(Bob));
        var bobIndex = MemberOf(joined.Session!, Bob.Xuid)!.Value.Index;
        var reply = await T.DeleteMember(server, session, bobIndex);
        Expect.StatusIn(reply, "a server principal deleting a member by index", HttpStatusCode.OK, HttpStatusCode.NoContent);
        var after = await T.Get(Alice, session);
        Expect.Session(after, "the session outlives the removed member");
        Expect.Field(after, "/members", Roster.Excludes(Bob.Xuid), "the member is gone");
    }

    [Test, Requirement("SERVERS-PRINCIPAL-ONLY")]
    public async Task UserWritingServers_Gets403()
    {
        var (session, _) = await Create(Alice);
        var reply = await T.Put(Alice, session, SessionRequest.Create()
            .Server("arbiter", s => s
                .Properties(p => p
                    .Custom("a", 1))));
        Expect.Status(reply, HttpStatusCode.Forbidden, "servers are written only by a server principal");
        if (T.Profile.Template("private") is not null)
        {
            // Refused under every reading: the one that lets users write servers does so on open sessions only.
            var (closed, _) = await Create(Alice, "private");
            var member = await T.Put(Alice, closed, SessionRequest.Create()
                .Server("arbiter", s => s
                    .Properties(p => p
                        .Custom("a", 1))));
            Expect.Status(member, HttpStatusCode.Forbidden, "a user, even a member, does not write the servers of a private session");
        }
    }

    [Test, Requirement("SERVERS-NULL-REMOVES")]
    public async Task ServerPrincipal_WritesServers_NullAndDeleteRemove()
    {
        var server = ServerPrincipal;
        var (session, _) = await Create(Alice);
        var added = await T.Put(server, session, SessionRequest.Create()
            .Server("arbiter", s => s
                .Properties(p => p
                    .Custom("a", 1)))
            .Server("relay", s => s
                .Properties(p => p
                    .EmptyCustom())));
        Expect.Status(added, HttpStatusCode.OK, "a server principal writing server entries");
        var nulled = await T.Put(server, session, SessionRequest.Create()
            .RemoveServer("arbiter"));
        var deleted = await T.DeleteServer(server, session, "relay");
        Assert.Multiple(() =>
        {
            Expect.Field(added, "/servers/arbiter", Is.Not.Null, "the entry is stored");
            Expect.Field(nulled, "/servers/arbiter", Is.Null, "null removes that entry");
            Expect.Field(nulled, "/servers/relay", Is.Not.Null, "null removes that entry only: the other stays");
            Expect.Field(deleted, "/servers/relay", Is.Null, "DELETE .../servers/{name} removes it");
        });
    }

    [Test, Requirement("SESSION-FULL")]
    public async Task JoiningAFullSession_IsRefused()
    {
        var (session, created) = await Create(Alice);
        await FillUp(session, created);
        var join = await T.Put(Bob, session, Join(Bob));
        var status = Expect.StatusIn(join, "joining a full session", HttpStatusCode.Forbidden, HttpStatusCode.Conflict, HttpStatusCode.BadRequest);
        Readings.Record("SESSION-FULL", ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Test, Requirement("VIS-PRIVATE-READ-403")]
    public async Task PrivateSession_RefusesNonMemberReads()
    {
        var role = RequireTemplate("private");
        var (session, _) = await Create(Alice, role);
        var read = await T.Get(Bob, session);
        Expect.Status(read, HttpStatusCode.Forbidden, "private sessions can only be read by members");
    }

    [Test, Requirement("VIS-PRIVATE-JOIN-403")]
    public async Task PrivateSession_RefusesUnreservedJoins_ButNotReservedUsers()
    {
        var role = RequireTemplate("private");
        var (session, _) = await Create(Alice, role);
        var join = await T.Put(Bob, session, Join(Bob));
        Expect.Status(join, HttpStatusCode.Forbidden, "joining a private session needs a reservation");
        Expect.Status(await T.Put(Alice, session, Reserve(Carol.Xuid!)), HttpStatusCode.OK, "a member reserving a place");
        var reservedJoin = await T.Put(Carol, session, Join(Carol));
        Expect.Status(reservedJoin, HttpStatusCode.OK, "a reserved user may join a private session");
    }
}
