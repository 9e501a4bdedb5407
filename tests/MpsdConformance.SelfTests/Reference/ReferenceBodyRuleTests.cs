using System.Net;
using System.Text.Json.Nodes;
using MpsdConformance.Reference;

namespace MpsdConformance.SelfTests.Reference;

/// <summary>The rules no schema expresses: capability combinations, reservation numbering, defaults shown, and the ready timer.</summary>
[Parallelizable(ParallelScope.All)]
public class ReferenceBodyRuleTests : ReferenceTestBase
{
    [TestCase("""{"large":true,"team":true}""")]
    [TestCase("""{"broadcast":true}""")]
    [TestCase("""{"arbitration":true}""")]
    [TestCase("""{"searchable":true,"userAuthorizationStyle":true}""")]
    [Requirement("CONST-CAPABILITIES-FLAGS")]
    public async Task ForbiddenCapabilityCombination_Gets400_AndCreatesNothing(string capabilities)
    {
        var name = Name();
        var body = JsonNode.Parse(ReferenceClient.Join(_c.Alice))!.AsObject();
        body["constants"] = new JsonObject { ["system"] = new JsonObject { ["capabilities"] = JsonNode.Parse(capabilities) } };
        var reply = await _c.Put(_c.Url(name), _c.Alice, body.ToJsonString());
        var get = await _c.Get(_c.Url(name), _c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.BadRequest), reply.ToString());
            Assert.That(reply.Body, Does.StartWith("/constants/system/capabilities: "));
            Assert.That(get.Status, Is.EqualTo(HttpStatusCode.NoContent));
        });
    }

    [TestCase("reserve_1")]
    [TestCase("reserve_0", "reserve_2")]
    [Requirement("RESERVE-ORDER")]
    public async Task ReservationKeysNotNumberedFromZeroWithoutGaps_Get400(params string[] keys)
    {
        var name = Name();
        await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var xuids = new[] { _c.Bob.Xuid!, _c.Carol.Xuid! };
        var reply = await _c.Put(_c.Url(name), _c.Alice, Reserve(keys.Select((k, i) => (k, xuids[i], false)).ToArray()));
        Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.BadRequest), reply.ToString());
    }

    [Test, Requirement("CONST-TIMEOUT-VALUES")]
    public async Task UnsetInactiveRemovalTimeout_IsShownAsItsDefault0()
    {
        var reply = await _c.Put(_c.Url(Name()), _c.Alice, ReferenceClient.Join(_c.Alice));
        Assert.That((long?)reply.Session["constants"]!["system"]!["inactiveRemovalTimeout"], Is.Zero);
    }

    [Test, Requirement("TIMER-MEMBER-REMOVAL")]
    public async Task MemberReadyPastReadyRemovalTimeout_IsRemoved_OnTheFirstRequestAfter()
    {
        var clock = new ManualClock();
        await using var c = await ReferenceClient.StartAsync(new ReferenceOptions { Time = clock, SchemasDirectory = Repo.Schemas });
        var name = ReferenceClient.NewName();
        await c.Put(c.Url(name), c.Alice, """{"constants":{"system":{"readyRemovalTimeout":5000}},"members":{"me":{"properties":{"system":{"active":true}}}}}""");
        var ready = await c.Put(c.Url(name), c.Bob, ReferenceClient.Join(c.Bob, ""","properties":{"system":{"ready":true}}"""));
        clock.Advance(TimeSpan.FromMilliseconds(4999));
        var before = await c.Get(c.Url(name), c.Alice);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var after = await c.Get(c.Url(name), c.Alice);
        Assert.Multiple(() =>
        {
            Assert.That((string?)ready.Session["nextTimer"], Is.EqualTo("2026-11-23T10:00:05.0000000Z"));
            Assert.That((int?)before.Session["membersInfo"]!["count"], Is.EqualTo(2));
            Assert.That((int?)after.Session["membersInfo"]!["count"], Is.EqualTo(1));
            Assert.That(after.Session["nextTimer"], Is.Null);
        });
    }
}
