using System.Net;
using System.Text.Json.Nodes;
using MpsdConformance.Hosting;

namespace MpsdConformance.SelfTests.Harness;

/// <summary>
/// The expectations explain their failures with values: the JSON Pointer and what is there (a missing field
/// apart from a JSON null), the first pointer where two documents differ, then the exchange.
/// </summary>
public class ExpectTests
{
    private TargetHost _host = null!;
    private Target _target = null!;

    [OneTimeSetUp]
    public async Task StartTarget()
    {
        _host = await TargetHost.StartAsync(null);
        _target = Target.Connect(_host.Profile, new HarnessSettings());
    }

    [OneTimeTearDown]
    public async Task StopTarget()
    {
        _target.Dispose();
        await _host.DisposeAsync();
    }

    // A real answer of the embedded reference server: a session Alice created, custom {"map":"harbor","v":{"x":null}}.
    private async Task<MpsdResponse> Created()
    {
        ScenarioState.Begin();
        var alice = _target.Profile.Users[0];
        var created = await _target.Put(alice, _target.NewSession(), SessionRequest.Create()
            .Properties(p => p
                .Custom("map", "harbor")
                .Custom("v", new JsonObject { ["x"] = null }))
            .Me(alice));
        Assert.That(created.Status, Is.EqualTo(HttpStatusCode.Created), created.Exchange.Describe());
        return created;
    }

    private static string FailureOf(TestDelegate expectation) => Assert.Throws<AssertionException>(expectation)!.Message;

    [Test]
    public async Task Field_ThatHolds_DoesNotThrow()
    {
        var created = await Created();
        var alice = _target.Profile.Users[0];
        Assert.Multiple(() =>
        {
            Assert.DoesNotThrow(() => Expect.Field(created, "/properties/custom/map", Is.EqualTo("harbor"), "a string"));
            Assert.DoesNotThrow(() => Expect.Field(created, "/membersInfo/count", Is.EqualTo(1), "a number"));
            Assert.DoesNotThrow(() => Expect.Field(created, "/constants", Is.InstanceOf<JsonObject>(), "an object"));
            Assert.DoesNotThrow(() => Expect.Field(created, "/properties/custom/v", Json.EqualTo("""{"x":null}"""), "JSON equality"));
            Assert.DoesNotThrow(() => Expect.Field(created, "/properties/custom/v/x", Is.Null, "a JSON null"));
            Assert.DoesNotThrow(() => Expect.Field(created, "/properties/custom/gone", Is.Null, "Is.Null accepts a missing field too"));
            Assert.DoesNotThrow(() => Expect.Field(created, "/members", Roster.Includes(alice.Xuid), "the creator is a member"));
            Assert.DoesNotThrow(() => Expect.Field(created, Roster.Pointer(created.Session, alice.Xuid) + "/joinTime", Json.Scalar, "joinTime is a value"));
        });
    }

    [Test]
    public async Task Field_ThatFails_ShowsTheExpectation_ThePointer_TheValueFound_AndTheExchange()
    {
        var created = await Created();
        var message = FailureOf(() => Expect.Field(created, "/membersInfo/count", Is.EqualTo(2), "two members have joined"));
        Assert.That(message, Does.StartWith("two members have joined\nat /membersInfo/count: expected 2, found 1\n")
            .And.Contain("  → PUT ").And.Contain("  ← 201 Created"));
    }

    [Test]
    public async Task Field_TellsAMissingFieldFromAJsonNull()
    {
        var created = await Created();
        Assert.Multiple(() =>
        {
            Assert.That(FailureOf(() => Expect.Field(created, "/properties/custom/v/x", Is.EqualTo(1), "x is 1")),
                Does.Contain("at /properties/custom/v/x: expected 1, found null\n"));
            Assert.That(FailureOf(() => Expect.Field(created, "/properties/custom/v/y", Is.Not.Null, "y is set")),
                Does.Contain("at /properties/custom/v/y: expected not null, found nothing (the field is missing)\n"));
            Assert.That(FailureOf(() => Expect.Field(created, "/properties/custom/w/y", Is.EqualTo(1), "w.y is 1")),
                Does.Contain("at /properties/custom/w/y: expected 1, found nothing (the field is missing: /properties/custom has no 'w')\n"));
            Assert.That(FailureOf(() => Expect.Field(created, "/properties/custom/map/y", Is.EqualTo(1), "map.y is 1")),
                Does.Contain("found nothing (the field is missing: /properties/custom/map is \"harbor\")\n"));
        });
    }

    [Test]
    public async Task Field_OnAnAnswerWithoutADocument_SaysSo()
    {
        ScenarioState.Begin();
        var missing = await _target.Get(_target.Profile.Users[0], _target.NewSession());
        Assert.That(FailureOf(() => Expect.Field(missing, "/membersInfo/count", Is.GreaterThan(0), "a session")),
            Does.Contain("at /membersInfo/count: expected greater than 0, found nothing (the response has no session document)\n"));
    }

    [Test]
    public async Task Field_OfTheWrongType_FailsWithTheValue_RatherThanCrashing()
    {
        var created = await Created();
        Assert.That(FailureOf(() => Expect.Field(created, "/properties/custom/map", Is.GreaterThan(3), "a number")),
            Does.Contain("at /properties/custom/map: expected greater than 3, found \"harbor\" (which cannot be compared"));
    }

    [Test]
    public async Task Field_InsideAssertMultiple_ReportsEveryFailure()
    {
        var created = await Created();
        var message = Assert.Throws<MultipleAssertException>(() => Assert.Multiple(() =>
        {
            Expect.Field(created, "/membersInfo/count", Is.EqualTo(2), "first");
            Expect.Field(created, "/properties/custom/map", Is.EqualTo("port"), "second");
        }))!.Message;
        Assert.That(message, Does.Contain("at /membersInfo/count: expected 2, found 1").And.Contain("at /properties/custom/map: expected \"port\", found \"harbor\""));
    }

    [Test]
    public async Task Value_ThatFails_ShowsWhatAndTheValueFound()
    {
        var created = await Created();
        Assert.Multiple(() =>
        {
            Assert.That(FailureOf(() => Expect.Value(created, "the media type", created.MediaType, Is.EqualTo("text/plain"), "errors are text")),
                Does.StartWith("errors are text\nthe media type: expected \"text/plain\", found \"application/json\"\n"));
            Assert.DoesNotThrow(() => Expect.Value(created, "the ETag header", created.ETag, Is.Not.Null.And.Not.Empty, "an ETag"));
        });
    }

    [Test]
    public async Task Unchanged_NamesTheFirstDifferingPointer_WithBothValues()
    {
        var created = await Created();
        var after = created.Session!.DeepClone();
        after["properties"]!["custom"]!["map"] = "port";
        after["properties"]!["custom"]!.AsObject().Remove("v");
        var message = FailureOf(() => Expect.Unchanged(created.Session, after, created, "nothing changed"));
        Assert.That(message, Does.StartWith("nothing changed\nat /properties/custom/map: before \"harbor\", after \"port\"\n").And.Contain("  → PUT "));
    }

    [Test]
    public async Task Unchanged_ShowsAFieldThatIsGone_AsNothing()
    {
        var created = await Created();
        var after = created.Session!.DeepClone();
        after["properties"]!["custom"]!.AsObject().Remove("v");
        Assert.That(FailureOf(() => Expect.Unchanged(created.Session, after, created, "nothing changed", "/members", "/properties")),
            Does.StartWith("nothing changed\nat /properties/custom/v: before {\"x\":null}, after nothing (the field is missing)\n"));
    }

    [Test]
    public async Task Unchanged_ComparesOnlyTheNamedParts_AndPassesWhenThoseAreEqual()
    {
        var created = await Created();
        var after = JsonNode.Parse(created.Body)!;
        after["properties"]!["custom"]!["map"] = "port";
        Assert.Multiple(() =>
        {
            Assert.DoesNotThrow(() => Expect.Unchanged(created.Session, JsonNode.Parse(created.Body), created, "the whole document"));
            Assert.DoesNotThrow(() => Expect.Unchanged(created.Session, after, created, "members and constants", "/members", "/constants"));
            Assert.That(FailureOf(() => Expect.Unchanged(created.Session, after, created, "properties", "/members", "/properties")),
                Does.Contain("at /properties/custom/map: before \"harbor\", after \"port\""));
        });
    }

    [Test]
    public void FirstDifference_WalksObjectsAndArrays()
    {
        Assert.Multiple(() =>
        {
            Assert.That(JsonNodes.FirstDifference(JsonNode.Parse("""{"a":1,"b":[1,2]}"""), JsonNode.Parse("""{"b":[1,2],"a":1}""")), Is.Null, "key order does not count");
            Assert.That(JsonNodes.FirstDifference(JsonNode.Parse("""{"a":{"b":[1,2]}}"""), JsonNode.Parse("""{"a":{"b":[1,3]}}""")), Is.EqualTo("/a/b/1"));
            Assert.That(JsonNodes.FirstDifference(JsonNode.Parse("""{"a":[1]}"""), JsonNode.Parse("""{"a":[1,2]}""")), Is.EqualTo("/a/1"));
            Assert.That(JsonNodes.FirstDifference(JsonNode.Parse("""{"a":1}"""), JsonNode.Parse("""{"a":1,"x/y":null}""")), Is.EqualTo("/x~1y"));
            Assert.That(JsonNodes.FirstDifference(JsonNode.Parse("""{"a":1}"""), JsonNode.Parse("[1]")), Is.EqualTo(""));
        });
    }

    [Test]
    public void RosterAndJsonConstraints_ReadTheMembersObject()
    {
        var members = JsonNode.Parse("""{"0":{"constants":{"system":{"xuid":"1"}}},"2":{"constants":{"system":{"xuid":"2"}}},"reserve_0":{"constants":{"system":{"xuid":"3"}}}}""");
        var large = JsonNode.Parse("""{"me":{"constants":{"system":{"xuid":"1"}}}}""");
        Assert.Multiple(() =>
        {
            Assert.That(members, Roster.Includes("2"));
            Assert.That(members, Roster.Excludes("3"), "a reservation key is no member entry");
            Assert.That((JsonNode?)null, Roster.Excludes("3"), "nothing there has no member");
            Assert.That(Roster.Pointer(new JsonObject { ["members"] = members!.DeepClone() }, "2"), Is.EqualTo("/members/2"));
            Assert.That(Roster.Pointer(new JsonObject { ["members"] = members!.DeepClone() }, "9"), Is.EqualTo("/members/(no member with xuid 9)"));
            Assert.That(large, Is.InstanceOf<JsonObject>().And.All.Property("Key").EqualTo("me"), "the large-session check");
            Assert.That(members, Is.Not.InstanceOf<JsonObject>().Or.Not.All.Property("Key").EqualTo("me"));
        });
    }
}
