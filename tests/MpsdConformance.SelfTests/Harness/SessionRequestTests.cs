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
}
