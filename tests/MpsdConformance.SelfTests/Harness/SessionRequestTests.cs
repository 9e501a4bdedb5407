using MpsdConformance.Contract;

namespace MpsdConformance.SelfTests.Harness;

public class SessionRequestTests
{
    private static readonly Identity Alice = new("alice", "2814650000000001", new Dictionary<string, string>());

    [Test]
    public void Builder_WritesTheDocumentedWireShape_AndTheContractAcceptsIt()
    {
        string body = SessionRequest.Create()
            .Constants(c => c
                .Custom("mode", "ctf"))
            .Properties(p => p
                .System("keywords", new System.Text.Json.Nodes.JsonArray("lfg"))
                .Custom("map", "harbor")
                .Custom("gone", null))
            .Me(Alice, me => me
                .Properties(p => p
                    .System("active", true)
                    .Custom("skill", 3)))
            .Reserve("2814650000000002", "2814650000000003")
            .Server("relay", null);
        Assert.Multiple(() =>
        {
            Assert.That(body, Is.EqualTo(string.Concat(
                """{"constants":{"custom":{"mode":"ctf"}},"properties":{"system":{"keywords":["lfg"]},"custom":{"map":"harbor","gone":null}},""",
                """ "members":{"me":{"constants":{"system":{"xuid":"2814650000000001"}},"properties":{"system":{"active":true},"custom":{"skill":3}}},""".TrimStart(),
                """ "reserve_0":{"constants":{"system":{"xuid":"2814650000000002"}}},"reserve_1":{"constants":{"system":{"xuid":"2814650000000003"}}}},"servers":{"relay":null}}""".TrimStart())));
            Assert.That(ContractValidator.Shared(Repo.Schemas).Validate(SchemaKind.Request, body).IsValid, Is.True);
        });
    }

    [Test]
    public void Builder_LeaveAndRemoveMember()
    {
        Assert.That(SessionRequest.Create().Leave().RemoveMember(4).ToJson(), Is.EqualTo("""{"members":{"me":null,"4":null}}"""));
    }

    [Test]
    public void Builder_MemberByIndex_ServerEntries_AndEmptyCustom()
    {
        string body = SessionRequest.Create()
            .MemberAt(2, m => m
                .Properties(p => p
                    .Custom("pwned", true)))
            .Server("arbiter", s => s
                .Properties(p => p
                    .EmptyCustom()))
            .RemoveServer("relay");
        Assert.Multiple(() =>
        {
            Assert.That(body, Is.EqualTo("""{"members":{"2":{"properties":{"custom":{"pwned":true}}}},"servers":{"arbiter":{"properties":{"custom":{}}},"relay":null}}"""));
            Assert.That(ContractValidator.Shared(Repo.Schemas).Validate(SchemaKind.Request, body).IsValid, Is.True);
        });
    }

    [Test]
    public void Builder_Contract104Timeouts_AndAnInitializingMember()
    {
        string body = SessionRequest.Create()
            .Constants(c => c
                .Timeouts104(("inactive", null), ("ready", 180_000)))
            .Me(Alice, me => me
                .Constants(c => c
                    .System("initialize", true)));
        Assert.Multiple(() =>
        {
            Assert.That(body, Is.EqualTo(string.Concat(
                """{"constants":{"system":{"timeouts":{"inactive":null,"ready":180000}}},""",
                """ "members":{"me":{"constants":{"system":{"xuid":"2814650000000001","initialize":true}}}}}""".TrimStart())));
            Assert.That(ContractValidator.Shared(Repo.Schemas).Validate(SchemaKind.Request, body).IsValid, Is.True);
        });
    }

    [Test]
    public void PropertiesResource_IsTheBagAlone()
    {
        var body = SessionRequest.PropertiesResource(p => p
            .System("keywords", new System.Text.Json.Nodes.JsonArray("k"))
            .Custom("a", 1));
        Assert.Multiple(() =>
        {
            Assert.That(body, Is.EqualTo("""{"system":{"keywords":["k"]},"custom":{"a":1}}"""));
            Assert.That(ContractValidator.Shared(Repo.Schemas).Validate(SchemaKind.Properties, body).IsValid, Is.True);
        });
    }
}
