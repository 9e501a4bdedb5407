namespace MpsdConformance.Scenarios;

/// <summary>ETags, If-Match, If-None-Match and parallel writers.</summary>
public class Concurrency : Scenario
{
    [Test, Requirement("IFMATCH-STALE-412")]
    public async Task IfMatchWithAStaleETag_Gets412_WithTheCurrentSessionAndETag()
    {
        var (session, created) = await Create(Alice);
        var changed = await T.Put(Alice, session, Custom(new JsonObject { ["v"] = 2 }));
        var stale = await T.Put(Alice, session, Custom(new JsonObject { ["v"] = 3 }), ("If-Match", ETagOf(created)));
        Expect.Status(stale, HttpStatusCode.PreconditionFailed, "If-Match with the ETag from before a change");
        Assert.Multiple(() =>
        {
            Expect.Value(stale, "the media type", stale.MediaType, Is.EqualTo("application/json"), "the 412 carries the current session as application/json");
            Expect.Value(stale, "the ETag header", stale.ETag, Is.EqualTo(changed.ETag), "the 412 carries the current ETag (the one of the last change)");
            Expect.Field(stale, "/properties/custom/v", Is.EqualTo(2), "the session in the 412 is the current one");
        });
        var after = await T.Get(Alice, session);
        Expect.Field(after, "/properties/custom/v", Is.EqualTo(2), "the refused write changed nothing");
    }

    [Test, Requirement("IFMATCH-STAR-MISSING-412")]
    public async Task IfMatchStar_OnAMissingSession_Gets412()
    {
        var session = T.NewSession();
        var reply = await T.Put(Alice, session, Join(Alice), ("If-Match", "*"));
        Expect.Status(reply, HttpStatusCode.PreconditionFailed, "If-Match: * needs an existing session");
        await ExpectGone(session, "nothing was created");
    }

    [Test, Requirement("IFNONEMATCH-STAR-CREATE-ONLY")]
    public async Task IfNoneMatchStar_CreatesOnlyOnce()
    {
        var session = T.NewSession();
        var first = await T.Put(Alice, session, Join(Alice), ("If-None-Match", "*"));
        ExpectCreated(first, "If-None-Match: * on a new session creates it");
        var second = await T.Put(Bob, session, Join(Bob), ("If-None-Match", "*"));
        Expect.Status(second, HttpStatusCode.PreconditionFailed, "If-None-Match: * on an existing session");
    }

    [Test, Requirement("GET-IFNONEMATCH-304")]
    public async Task GetWithTheCurrentETag_Gets304()
    {
        var (session, created) = await Create(Alice);
        var unchanged = await T.Get(Alice, session, ("If-None-Match", ETagOf(created)));
        Expect.Status(unchanged, HttpStatusCode.NotModified, "GET with If-None-Match of the current ETag");
        Expect.Value(unchanged, "the body", unchanged.Body, Is.Empty, "a 304 has no body");
    }

    [Test, Requirement("CONCURRENCY-ONE-WINNER")]
    public async Task ParallelWritersWithOneETag_ExactlyOneWins()
    {
        const int writers = 8;
        var (session, created) = await Create(Alice);
        var replies = await Task.WhenAll(Enumerable.Range(0, writers).Select(i =>
            T.Put(Alice, session, Custom(new JsonObject { ["winner"] = i }), ("If-Match", ETagOf(created)))));
        var winners = replies.Where(r => r.Status == HttpStatusCode.OK).ToList();
        var final = await T.Get(Alice, session);
        Assert.Multiple(() =>
        {
            Assert.That(winners, Has.Count.EqualTo(1), () => $"exactly one of {writers} conditional writers with the same ETag wins; {winners.Count} did:\n" + string.Join("\n", replies.Select(r => $"{(int)r.Status}")));
            Assert.That(replies.Count(r => r.Status == HttpStatusCode.PreconditionFailed), Is.EqualTo(writers - 1), "the others get 412");
            if (winners.Count == 1)
            {
                Expect.Field(final, "/properties/custom/winner", Json.EqualTo(winners[0].Session?["properties"]?["custom"]?["winner"]), "the stored value is the winner's");
            }
        });
    }
}
