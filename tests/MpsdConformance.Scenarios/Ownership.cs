namespace MpsdConformance.Scenarios;

/// <summary>
/// Owners of sessions with capabilities.hasOwners, on the profile's "owners" template (hasOwners, ownershipPolicies
/// left unset so migration endsession applies unless a create chooses oldest): the creator is the first owner,
/// properties.system.owners shows the owners and stays read-only, and when the last owner leaves the migration
/// policy applies. Each test that needs the role ends not-applicable without it.
/// </summary>
public class Ownership : Scenario
{
    [Test, Requirement("OWNERS-LIST")]
    public async Task Creator_IsTheFirstOwner_AndOwnersStayReadOnly()
    {
        var role = RequireTemplate("owners"); // capabilities.hasOwners
        var (session, created) = await Create(Alice, role);
        var alice = IndexOf(created, Alice);
        Expect.Value(created, "properties.system.owners (member indexes)", Owners(created), Is.EqualTo(new long[] { alice }),
            "the user who creates a hasOwners session is its first owner, and properties.system.owners lists it");
        var joined = await T.Put(Bob, session, Join(Bob));
        var bob = IndexOf(joined, Bob);
        Expect.Value(joined, "properties.system.owners (member indexes)", Owners(joined), Is.EqualTo(new long[] { alice }), "a member who joins does not become an owner");
        // owners is no field a request may write (PROPS-SYSTEM-SCHEMA judges how an unknown key is refused or dropped).
        var write = await T.PutRaw(Bob, session, new JsonObject { ["properties"] = new JsonObject { ["system"] = new JsonObject { ["owners"] = new JsonArray(bob) } } }.ToJsonString());
        Expect.StatusIn(write, "a member writing properties.system.owners, which clients only read (refused, or accepted without effect)",
            HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.Forbidden, HttpStatusCode.Conflict);
        var read = await T.Get(Alice, session);
        Expect.Value(read, "properties.system.owners (member indexes)", Owners(read), Is.EqualTo(new long[] { alice }), "a client's write does not change the owners");
    }

    [Test, Requirement("OWNERS-MIGRATION")]
    public async Task LastOwnerLeaving_EndsTheSession_UnderTheDefaultPolicy() =>
        await LastOwnerLeaves(session => T.Put(Alice, session, SessionRequest.Create().Leave()), "members.me: null");

    [Test, Requirement("OWNERS-MIGRATION")]
    public async Task LastOwnerDeletingMembersMe_EndsTheSession_UnderTheDefaultPolicy() =>
        await LastOwnerLeaves(session => T.DeleteMe(Alice, session), "DELETE .../members/me");

    [Test, Requirement("OWNERS-MIGRATION-OLDEST")]
    public async Task LastOwnerLeaving_HandsOwnershipToTheLongestStandingMember_UnderOldest()
    {
        var (session, bob, carol) = await OldestSessionOfThree();
        var left = await T.DeleteMe(Alice, session);
        Expect.Status(left, HttpStatusCode.OK, "the last owner leaving a session whose migration is oldest: the session goes on");
        Expect.Value(left, "properties.system.owners (member indexes)", OwnersShown(left), Is.EqualTo(new long[] { bob }),
            "ownership passes to the longest-standing member (Bob joined before Carol)");
        var bobLeft = await T.DeleteMe(Bob, session);
        Expect.Status(bobLeft, HttpStatusCode.OK, "the new owner leaving: the session goes on again");
        Expect.Value(bobLeft, "properties.system.owners (member indexes)", OwnersShown(bobLeft), Is.EqualTo(new long[] { carol }),
            "ownership passes on to the longest-standing member left");
    }

    [Test, Requirement("MEMBER-DELETE-INDEX")]
    public async Task NewOwnerRemovingAMemberByIndex_GetsADocumentedReading()
    {
        var (session, bob, carol) = await OldestSessionOfThree();
        var left = await T.DeleteMe(Alice, session);
        if (left.Status != HttpStatusCode.OK || Owners(left) is not [var owner] || owner != bob)
        {
            Assert.Inconclusive($"after the creator left, Bob is not shown as the only owner ({(int)left.Status}, owners {JsonNodes.Show(left.Session?["properties"]?["system"]?["owners"])}): OWNERS-MIGRATION-OLDEST judges that");
        }
        var byCarol = await T.DeleteMember(Carol, session, bob);
        Expect.Status(byCarol, HttpStatusCode.Forbidden, "a member who is no owner removing another member by index");
        await RemoveByIndexAsOwner(Bob, session, Carol, carol, "the owner a migration chose");
    }

    [Test, Requirement("CONST-CAPABILITIES-FLAGS")]
    public async Task OwnershipPoliciesWithoutHasOwners_AreRefused_WithADocumentedStatus()
    {
        var policies = new JsonObject { ["migration"] = "oldest" };
        var (_, control) = await CreateOpen(c => c
            .System("capabilities", new JsonObject { ["hasOwners"] = true })
            .System("ownershipPolicies", policies.DeepClone()));
        if (!Made(control))
        {
            Assert.Inconclusive($"the open template refuses a session with hasOwners and ownershipPolicies ({(int)control.Status}), so their absence cannot be judged");
        }
        var (session, reply) = await CreateOpen(c => c
            .System("ownershipPolicies", policies.DeepClone()));
        if (Made(reply) && reply.Session?["constants"]?["system"]?["capabilities"]?["hasOwners"] is JsonValue flag && flag.TryGetValue(out bool owned) && owned)
        {
            Assert.Inconclusive("the open template itself sets capabilities.hasOwners, so ownershipPolicies without it cannot be tried");
        }
        var status = Expect.StatusIn(reply, "ownershipPolicies on a session without capabilities.hasOwners (forbidden like the capability combinations; the status is undocumented: 400 or 409)",
            HttpStatusCode.BadRequest, HttpStatusCode.Conflict);
        Readings.Record("CONST-CAPABILITIES-FLAGS", ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await ExpectGone(session, "nothing was created");
    }

    /// <summary>
    /// Alice creates a session of the owners template joined by her alone, Bob joins, then <paramref name="leave"/>
    /// takes her out: under migration endsession the session ends for everyone.
    /// </summary>
    private static async Task LastOwnerLeaves(Func<SessionRef, Task<MpsdResponse>> leave, string how)
    {
        var role = RequireTemplate("owners"); // capabilities.hasOwners, ownershipPolicies left to its default (endsession)
        var (session, _) = await Create(Alice, role);
        await T.Put(Bob, session, Join(Bob));
        var left = await leave(session);
        var status = Expect.StatusIn(left, $"the last owner leaving ({how}) while another member stays: 204 (the leave ended the session) or 200 (the session as the leave left it)",
            HttpStatusCode.NoContent, HttpStatusCode.OK);
        if (status == HttpStatusCode.OK && left.Session is { } answer && MemberOf(answer, Alice.Xuid) is not null)
        {
            Assert.Inconclusive("the leave did not remove the owner (MEMBER-LEAVE-NULL judges that), so no owner left");
        }
        Readings.Record("OWNERS-MIGRATION", status == HttpStatusCode.NoContent ? "204" : "200-then-ended");
        await ExpectGone(session, "with migration endsession (the default) the session ends for everyone when its last owner leaves");
    }

    /// <summary>A session of the owners template with migration oldest: Alice (owner), then Bob, then Carol; their indexes.</summary>
    private static async Task<(SessionRef Session, int Bob, int Carol)> OldestSessionOfThree()
    {
        var role = RequireTemplate("owners"); // capabilities.hasOwners, ownershipPolicies left for the create to set
        var session = T.NewSession(role);
        var created = await T.Put(Alice, session, SessionRequest.Create()
            .Constants(c => c
                .System("ownershipPolicies", new JsonObject { ["migration"] = "oldest" }))
            .Me(Alice));
        if (!Made(created))
        {
            Assert.Inconclusive($"the owners template refuses ownershipPolicies.migration oldest at creation ({(int)created.Status}); it may fix its own policy");
        }
        var bob = IndexOf(await T.Put(Bob, session, Join(Bob)), Bob);
        var carol = IndexOf(await T.Put(Carol, session, Join(Carol)), Carol);
        return (session, bob, carol);
    }

    private static async Task<(SessionRef Session, MpsdResponse Reply)> CreateOpen(Action<SessionRequest.PropertyBag> constants)
    {
        var session = T.NewSession();
        return (session, await T.Put(Alice, session, SessionRequest.Create().Constants(constants).Me(Alice)));
    }

    /// <summary>A create that made the session: 201, or 200 with it (the create's status is PUT-CREATE-201's to judge).</summary>
    private static bool Made(MpsdResponse reply) =>
        reply.Status == HttpStatusCode.Created || (reply.Status == HttpStatusCode.OK && reply.Session is not null);

    /// <summary>properties.system.owners as member indexes, or null when the answer shows none.</summary>
    private static long[]? Owners(MpsdResponse response) =>
        response.Session?["properties"]?["system"]?["owners"] is JsonArray owners ? owners.Select(Number).OfType<long>().ToArray() : null;

    /// <summary>
    /// <see cref="Owners"/>, for scenarios that judge who the owner is rather than whether owners are shown: an answer
    /// without them leaves the scenario inconclusive (OWNERS-LIST judges that).
    /// </summary>
    private static long[] OwnersShown(MpsdResponse response)
    {
        Expect.Session(response, "the session after the owner left");
        return Owners(response) ?? throw new InconclusiveException("the session shows no properties.system.owners (OWNERS-LIST judges that), so who owns it cannot be told");
    }

    private static int IndexOf(MpsdResponse response, Identity who) =>
        MemberOf(Expect.Session(response, $"the session after {who.Name} joined"), who.Xuid)?.Index
        ?? throw new InconclusiveException($"{who.Name} is not a member after joining (MEMBER-JOIN-ME judges that)\n{response.Exchange.Describe()}");
}
