using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text.Json.Nodes;
using MpsdConformance.Contract;
using MpsdConformance.Reference;

namespace MpsdConformance.SelfTests.Reference;

/// <summary>The server validates every body with the contract's schemas, and its ledger marks match its tests.</summary>
[Parallelizable(ParallelScope.All)]
public class ReferenceContractTests
{
    private static ReferenceClient _c = null!;
    private static readonly Lazy<FixtureCatalog> Catalog = new(() => FixtureCatalog.Load(Repo.Fixtures));

    [OneTimeSetUp]
    public async Task Start() => _c = await ReferenceClient.StartAsync();

    [OneTimeTearDown]
    public async Task Stop() => await _c.DisposeAsync();

    public static IEnumerable<TestCaseData> InvalidBodies() =>
        Catalog.Value.Cases
            .Where(c => !c.ExpectValid && c.Kind != SchemaKind.Response && !c.RelativePath.StartsWith("docs/", StringComparison.Ordinal))
            .Select(c => new TestCaseData(c).SetName($"Server_Refuses_{c.RelativePath}"));

    public static IEnumerable<TestCaseData> ValidBodies() =>
        Catalog.Value.Cases
            .Where(c => c.ExpectValid && c.Kind != SchemaKind.Response)
            .Select(c => new TestCaseData(c).SetName($"Server_Accepts_{c.RelativePath}"));

    [TestCaseSource(nameof(InvalidBodies))]
    [Requirement("PUT-PROHIBITED-400", "PUT-MALFORMED-400")]
    public async Task InvalidBody_Returns400_NamingTheBrokenPlace(FixtureCase fixture)
    {
        var suffix = fixture.Kind == SchemaKind.Properties ? "/properties" : "";
        var reply = await _c.Put(_c.Url(ReferenceClient.NewName(), suffix: suffix), _c.Alice, File.ReadAllText(fixture.FullPath));
        Assert.Multiple(() =>
        {
            Assert.That(reply.Status, Is.EqualTo(HttpStatusCode.BadRequest), reply.ToString());
            Assert.That(reply.Body, Does.Contain(SchemaViolation.Printable(fixture.Pointer!.Length == 0 ? "/" : fixture.Pointer)));
        });
    }

    [TestCaseSource(nameof(ValidBodies))]
    public async Task ValidBody_IsNeverRefusedAsMalformed(FixtureCase fixture)
    {
        var name = ReferenceClient.NewName();
        await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice));
        var suffix = fixture.Kind == SchemaKind.Properties ? "/properties" : "";
        var reply = await _c.Put(_c.Url(name, suffix: suffix), _c.Alice, File.ReadAllText(fixture.FullPath));
        // Valid, yet refused for the session it is sent to: keywords (the session's visibility decides), and
        // initializationSucceeded outside the evaluating stage (INIT-SUCCEEDED-EVALUATING).
        Assert.That(reply.Status != HttpStatusCode.BadRequest || reply.Body.Contains("keywords", StringComparison.Ordinal) || reply.Body.Contains("initializationSucceeded", StringComparison.Ordinal),
            Is.True, reply.ToString());
    }

    [Test]
    [Requirement("RESP-TOPLEVEL-FIELDS", "RESP-REQUIRED-SECTIONS", "RESP-MEMBERS-KEYS", "RESP-MEMBERSINFO-SHAPE", "RESP-MEMBER-FIELDS",
        "RESP-MEMBER-SECTIONS", "RESP-XUID-STRING", "RESP-ENUM-VALUES", "RESP-CONTRACT-VERSION", "RESP-MATCHMAKING-SERVER", "RESP-TIMESTAMP-FORMAT", "PROPS-TURN-SHAPE")]
    public async Task EverySessionDocument_IsAValidResponse_ThroughABusySession()
    {
        // ReferenceClient validates each session it receives against response.schema.json and the list invariants.
        var name = ReferenceClient.NewName();
        await _c.Put(_c.Url(name), _c.Alice, ReferenceClient.Join(_c.Alice, ""","properties":{"system":{"secureDeviceAddress":"AQID","active":true}}"""));
        await _c.Put(_c.Url(name), _c.Bob, ReferenceClient.Join(_c.Bob));
        await _c.Put(_c.Url(name), _c.ServerPrincipal, """
            {"servers":{"matchmaking":{"properties":{"system":{"status":"searching","typicalWait":30,
             "targetSessionRef":{"scid":"x","templateName":"quick","name":"m"}}}}}}
            """);
        var reply = await _c.Put(_c.Url(name), _c.Alice, """{"properties":{"system":{"turn":[1],"joinRestriction":"followed"}}}""");
        Assert.Multiple(() =>
        {
            Assert.That((bool?)reply.Session["members"]!["1"]!["turn"], Is.True);
            Assert.That(reply.Session["members"]!["0"]!["turn"], Is.Null);
            Assert.That((string?)reply.Session["servers"]!["matchmaking"]!["properties"]!["system"]!["status"], Is.EqualTo("searching"));
        });
    }

    [TestCase("105"), TestCase("107")]
    [Requirement("CONTRACT-VERSION-ECHO")]
    public async Task ContractVersion_IsTheTemplates_WhateverTheRequestSends(string requested)
    {
        var reply = await _c.Put(_c.Url(ReferenceClient.NewName()), _c.Alice, ReferenceClient.Join(_c.Alice), ("X-Xbl-Contract-Version", requested));
        Assert.That((int?)reply.Session["contractVersion"], Is.EqualTo(107));
    }

    [Test]
    [Requirement("RATE-429-503")]
    public void SessionCapAnswer_IsCoveredByTheRobustnessTest() =>
        Assert.That(typeof(ReferenceRobustnessTests).GetMethod(nameof(ReferenceRobustnessTests.SessionCap_AnswersCreation503WithRetryAfter_ExistingSessionsStillWork)), Is.Not.Null);
}

/// <summary>The ledger says what the reference implements; the tests must prove exactly that.</summary>
public class ReferenceLedgerTests
{
    private static readonly RequirementLedger Ledger = RequirementLedger.Load(Repo.Schemas);

    private static HashSet<string> ProvenByTests() =>
        typeof(ReferenceLedgerTests).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(ReferenceLedgerTests).Namespace)
            .SelectMany(t => t.GetMethods())
            .SelectMany(m => m.GetCustomAttributes<RequirementAttribute>())
            .SelectMany(a => a.Ids)
            .ToHashSet(StringComparer.Ordinal);

    private static HashSet<string> EnforcedBySchemas() =>
        ContractValidator.Shared(Repo.Schemas).RequirementIdsBySchema
            .Where(kv => kv.Key is "request.schema.json" or "properties.schema.json")
            .SelectMany(kv => kv.Value)
            .ToHashSet(StringComparer.Ordinal);

    [Test]
    public void EveryRequirement_SaysWhetherTheReferenceImplementsIt()
    {
        Assert.That(Ledger.Requirements.Where(r => r.Reference is null).Select(r => r.Id), Is.Empty);
    }

    [Test]
    public void EveryImplementedRequirement_IsProvenByAReferenceTest_OrEnforcedByTheSchemasItValidatesWith()
    {
        var proven = ProvenByTests();
        proven.UnionWith(EnforcedBySchemas());
        var unproven = Ledger.Requirements.Where(r => r.Reference?.Status == "implemented" && !proven.Contains(r.Id)).Select(r => r.Id);
        Assert.That(unproven, Is.Empty);
    }

    [Test]
    public void EveryRequirementAReferenceTestNames_IsMarkedImplemented()
    {
        var wrong = ProvenByTests().Where(id => Ledger.Find(id)?.Reference?.Status != "implemented");
        Assert.That(wrong, Is.Empty);
    }

    [Test]
    public void NotImplementedRequirements_SayWhy()
    {
        var silent = Ledger.Requirements.Where(r => r.Reference?.Status == "not-implemented" && string.IsNullOrWhiteSpace(r.Reference.Note)).Select(r => r.Id);
        Assert.That(silent, Is.Empty);
    }
}
