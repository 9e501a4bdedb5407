namespace MpsdConformance.SelfTests.Reference;

/// <summary>How properties merge: custom key by key, system field by field, member subscriptions per key.</summary>
[Parallelizable(ParallelScope.All)]
public class ReferenceMergeTests : ReferenceTestBase
{
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
}
