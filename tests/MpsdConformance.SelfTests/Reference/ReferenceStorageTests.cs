using System.Text.Json.Nodes;
using MpsdConformance.Reference;
using Outcome = MpsdConformance.Reference.Outcome;

namespace MpsdConformance.SelfTests.Reference;

/// <summary>
/// How the engine stores sessions (bags frozen to UTF-8 as a version is stored, a template's constants shared by
/// every session made from it): a stored version never changes, a shared template never changes, and a frozen bag
/// renders exactly what the tree it was frozen from rendered.
/// </summary>
[Parallelizable(ParallelScope.All)]
public class ReferenceStorageTests
{
    private static readonly ReferenceConfig Config = ReferenceConfig.BuiltIn();

    private static TemplateConfig Quick => Config.Scids[ReferenceConfig.DefaultScid]["quick"];

    private static SessionEngine NewEngine() => new(new SessionStore(100), new ManualClock(), 1, MpsdConformance.Reference.Readings.Reference);

    private static SessionKey Key(string name) => SessionKey.Of(ReferenceConfig.DefaultScid, "quick", name);

    private static Principal Caller(string name) => new(Config.Identities.Single(i => i.Name == name));

    private static Outcome Put(SessionEngine engine, string name, string body, string caller = "alice", bool noCommit = false) =>
        engine.Put(Key(name), (ReferenceConfig.DefaultScid, "quick", name), Quick, Caller(caller), JsonNode.Parse(body)!.AsObject(),
            new Conditions(null, null), noCommit, propertiesOnly: false);

    private static JsonObject Rendered(Session session) => SessionJson.Render(session);

    [Test]
    public void StoredVersion_NeverChanges_WhateverTheWritesAfterIt()
    {
        var engine = NewEngine();
        var created = Put(engine, "s", """{"members":{"me":{"properties":{"custom":{"skill":1}}}},"properties":{"custom":{"map":"harbor"}}}""");
        var before = Rendered(created.Session!).ToJsonString();
        var writes = new[]
        {
            Put(engine, "s", """{"members":{"me":{"properties":{"system":{"ready":true},"custom":{"skill":2}}}},"properties":{"custom":{"map":null,"round":2}}}"""),
            Put(engine, "s", """{"members":{"me":{"properties":{"custom":{"team":"red"}}}}}""", caller: "bob"),
            Put(engine, "s", """{"servers":{"game":{"constants":{"custom":{"a":1}},"properties":{"custom":{"b":2}}}}}""", caller: "server"),
            engine.DeleteMe(Key("s"), Caller("bob"), new Conditions(null, null)),
        };
        Assert.Multiple(() =>
        {
            Assert.That(created.Status, Is.EqualTo(201));
            Assert.That(writes.Select(w => w.Status), Is.All.EqualTo(200));
            Assert.That(Rendered(created.Session!).ToJsonString(), Is.EqualTo(before));
            Assert.That(Rendered(writes[2].Session!)["servers"]!["game"]!["properties"]!["custom"]!["b"]!.ToJsonString(), Is.EqualTo("2"));
            Assert.That(Rendered(writes[3].Session!)["servers"]!.AsObject(), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public void TemplateConstants_AreSharedButNeverWritten()
    {
        var template = Quick.Constants.ToJsonString();
        var engine = NewEngine();
        var own = Put(engine, "own", """{"constants":{"system":{"inactiveRemovalTimeout":5000},"custom":{"mode":"ctf"}},"members":{"me":{}}}""");
        var plain = Put(engine, "plain", """{"members":{"me":{}}}""");
        var other = Put(engine, "other", """{"members":{"me":{}},"properties":{"custom":{"x":1}}}""", caller: "bob");
        var another = Put(engine, "another", """{"constants":{"custom":{"level":2}},"members":{"me":{}}}""", caller: "bob");
        var ownConstants = Rendered(own.Session!)["constants"]!;
        var plainConstants = Rendered(plain.Session!)["constants"]!;
        Assert.Multiple(() =>
        {
            Assert.That(new[] { own.Status, plain.Status, other.Status, another.Status }, Is.All.EqualTo(201));
            Assert.That(ownConstants["custom"]!["mode"]!.GetValue<string>(), Is.EqualTo("ctf"));
            Assert.That(ownConstants["system"]!["inactiveRemovalTimeout"]!.ToJsonString(), Is.EqualTo("5000"));
            Assert.That(plainConstants["custom"]!.AsObject(), Is.Empty);
            Assert.That(plainConstants["system"]!["inactiveRemovalTimeout"]!.ToJsonString(), Is.EqualTo("0"));
            Assert.That(Rendered(other.Session!)["constants"]!.ToJsonString(), Is.EqualTo(plainConstants.ToJsonString()));
            Assert.That(Rendered(another.Session!)["constants"]!["custom"]!.ToJsonString(), Is.EqualTo("""{"level":2}"""));
            Assert.That(Rendered(another.Session!)["constants"]!["system"]!.ToJsonString(), Is.EqualTo(plainConstants["system"]!.ToJsonString()));
            Assert.That(Quick.Constants.ToJsonString(), Is.EqualTo(template));
        });
    }

    [Test]
    public void FrozenBags_RenderWhatTheirTreesRendered()
    {
        const string body = """
            {"constants":{"custom":{"n":1.0,"big":12345678901234567890,"e":1e3,"neg":-0.0}},
             "members":{"me":{"properties":{"system":{"secureDeviceAddress":"AAEC","ready":true},
                                            "custom":{"text":"é \u00e9 \" \\ \u2028 <&>","nested":{"a":[1,{"b":null}],"c":{}}}}}},
             "properties":{"system":{"turn":[0]},"custom":{"s":"x\ty","arr":[true,false,null,-0.5],"o":{"deep":{"deeper":[[]]}}}}}
            """;
        var engine = NewEngine(); // one clock that never moves: both documents show the same times
        var tree = Put(engine, "t", body, noCommit: true).Session!; // never stored: its bags stay trees
        var frozen = Put(engine, "t", body).Session!; // stored: its bags frozen
        JsonObject Document(Session session)
        {
            var document = Rendered(session);
            document.Remove("branch");
            document.Remove("correlationId");
            return document;
        }
        var member = Document(frozen)["members"]!["0"]!;
        Assert.Multiple(() =>
        {
            Assert.That(Document(frozen).ToJsonString(), Is.EqualTo(Document(tree).ToJsonString()));
            Assert.That(member["deviceToken"], Is.Not.Null);
            Assert.That(member["turn"]?.GetValue<bool>(), Is.True);
            Assert.That(frozen.Members[0].IsReady, Is.True);
            Assert.That(frozen.Fingerprint(), Is.EqualTo(tree.Fingerprint()));
        });
    }
}
