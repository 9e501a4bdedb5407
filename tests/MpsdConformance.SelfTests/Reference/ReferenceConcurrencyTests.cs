using System.Net;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;

namespace MpsdConformance.SelfTests.Reference;

/// <summary>Atomic conditional writes, no lost updates, and member bookkeeping under random operation sequences.</summary>
public class ReferenceConcurrencyTests
{
    private ReferenceClient _c = null!;

    [OneTimeSetUp]
    public async Task Start() => _c = await ReferenceClient.StartAsync();

    [OneTimeTearDown]
    public async Task Stop() => await _c.DisposeAsync();

    [Test, Requirement("CONCURRENCY-ONE-WINNER", "IFMATCH-STALE-412")]
    public async Task ThirtyTwoParallelWritersWithOneETag_ExactlyOneWins_TheRestGet412()
    {
        var name = ReferenceClient.NewName();
        var created = await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var writers = Enumerable.Range(0, 32).Select(i =>
            _c.Put(_c.Url(name), _c.Alice, Body("properties", "custom", new JsonObject { ["winner"] = i }), ("If-Match", created.ETag!)));
        var replies = await Task.WhenAll(writers);
        var winners = replies.Where(r => r.Status == HttpStatusCode.OK).ToList();
        var final = await _c.Get(_c.Url(name), _c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(winners, Has.Count.EqualTo(1));
            Assert.That(replies.Count(r => r.Status == HttpStatusCode.PreconditionFailed), Is.EqualTo(31));
            Assert.That(final.Session["properties"]!["custom"]!["winner"]!.ToJsonString(),
                Is.EqualTo(winners[0].Session["properties"]!["custom"]!["winner"]!.ToJsonString()));
            Assert.That((long?)final.Session["changeNumber"], Is.EqualTo(2));
        });
    }

    [Test, Requirement("CONCURRENCY-ONE-WINNER")]
    public async Task ThirtyTwoWritersRetryingOn412_LoseNoUpdate()
    {
        var name = ReferenceClient.NewName();
        await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        await _c.Put(_c.Url(name), _c.Alice, """{"properties":{"custom":{"log":[]}}}""");
        const int writers = 32, rounds = 3;
        async Task Writer(int id)
        {
            for (var round = 0; round < rounds; round++)
            {
                for (var attempt = 0; ; attempt++)
                {
                    Assert.That(attempt, Is.LessThan(500), "a writer never got through");
                    var current = await _c.Get(_c.Url(name), _c.Alice);
                    var log = current.Session["properties"]!["custom"]!["log"]!.AsArray();
                    log.Add($"{id}-{round}");
                    var body = new JsonObject { ["properties"] = new JsonObject { ["custom"] = new JsonObject { ["log"] = log.DeepClone() } } };
                    var reply = await _c.Put(_c.Url(name), _c.Alice, body.ToJsonString(), ("If-Match", current.ETag!));
                    if (reply.Status == HttpStatusCode.OK)
                    {
                        break;
                    }
                    Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.PreconditionFailed));
                }
            }
        }
        await Task.WhenAll(Enumerable.Range(0, writers).Select(Writer));
        var final = await _c.Get(_c.Url(name), _c.Alice);
        var entries = final.Session["properties"]!["custom"]!["log"]!.AsArray().Select(e => (string)e!).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(entries, Has.Count.EqualTo(writers * rounds));
            Assert.That(entries.Distinct().Count(), Is.EqualTo(writers * rounds));
            Assert.That((long?)final.Session["changeNumber"], Is.EqualTo(2 + writers * rounds));
        });
    }

    /// <summary>One random step: who acts, what they do, and an argument.</summary>
    public sealed record Step(int User, int Action, int Argument)
    {
        public override string ToString() => $"{new[] { "alice", "bob", "carol" }[User]}:{new[] { "join", "leave", "delete-me", "reserve", "set-prop", "remove-prop", "member-prop" }[Action]}({Argument})";
    }

    [Test, Requirement("RESP-LINKED-LIST", "MEMBER-INDEX-ASSIGN", "RESERVE-CLEARED-ON-JOIN")]
    public void RandomSequencesOfJoinReserveLeaveAndWrites_KeepMembersConsistent()
    {
        var steps = Gen.Choose(0, 2).SelectMany(u => Gen.Choose(0, 6).SelectMany(a => Gen.Choose(0, 4).Select(x => new Step(u, a, x))));
        var sequences = Gen.ListOf(steps).Select(s => s.Take(25).ToList());
        var property = Prop.ForAll(sequences.ToArbitrary(), sequence => RunSequence(sequence).GetAwaiter().GetResult());
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(60).WithQuietOnSuccess(true), property);
    }

    private static string Body(string section, string key, JsonNode value) =>
        new JsonObject { [section] = new JsonObject { [key] = value } }.ToJsonString();

    private async Task<bool> RunSequence(List<Step> sequence)
    {
        var name = ReferenceClient.NewName();
        var users = new[] { _c.Alice, _c.Bob, _c.Carol };
        var extra = new[] { "2814650000000101", "2814650000000102", "2814650000000103", "2814650000000104", "2814650000000105" };
        var lastIndex = -1;
        foreach (var step in sequence)
        {
            var user = users[step.User];
            var body = step.Action switch
            {
                0 => ReferenceClient.Join(user),
                1 => """{"members":{"me":null}}""",
                3 => Body("members", "reserve_0", new JsonObject { ["constants"] = new JsonObject { ["system"] = new JsonObject { ["xuid"] = step.Argument < 3 ? users[step.Argument].Xuid : extra[step.Argument] } } }),
                4 => Body("properties", "custom", new JsonObject { [$"k{step.Argument}"] = step.Argument }),
                5 => Body("properties", "custom", new JsonObject { [$"k{step.Argument}"] = null }),
                _ => Body("members", "me", new JsonObject { ["properties"] = new JsonObject { ["custom"] = new JsonObject { ["m"] = step.Argument } } }),
            };
            var reply = step.Action == 2
                ? await _c.Delete(_c.Url(name, suffix: "/members/me"), user)
                : await _c.Put(_c.Url(name), user, body);
            // ReferenceClient already asserts: no 5xx, valid schema, ETag, linked list, count, accepted.
            if ((int)reply.Status >= 500)
            {
                return false;
            }
            if (reply.Status == HttpStatusCode.NoContent)
            {
                lastIndex = -1; // the session is gone; a new one numbers from 0 again
            }
            if (reply.Status is HttpStatusCode.OK or HttpStatusCode.Created)
            {
                var keys = reply.Session["members"]!.AsObject().Select(m => int.Parse(m.Key, System.Globalization.CultureInfo.InvariantCulture)).ToList();
                var next = (int)reply.Session["membersInfo"]!["next"]!;
                if (next <= lastIndex || keys.Any(k => k >= next))
                {
                    return false;
                }
                lastIndex = next - 1;
                var xuids = reply.Session["members"]!.AsObject().Select(m => (string)m.Value!["constants"]!["system"]!["xuid"]!).ToList();
                if (xuids.Count != xuids.Distinct().Count())
                {
                    return false;
                }
            }
        }
        return true;
    }
}
