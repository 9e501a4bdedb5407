using System.Text.Json.Nodes;

namespace MpsdConformance.SelfTests.Reference;

/// <summary>
/// The shared setup of the reference server's facet tests: the reference server's documented behaviour over
/// real HTTP, one server per fixture, unique session names.
/// </summary>
public abstract class ReferenceTestBase
{
    private protected ReferenceClient _c = null!;

    [OneTimeSetUp]
    public async Task Start() => _c = await ReferenceClient.StartAsync();

    [OneTimeTearDown]
    public async Task Stop() => await _c.DisposeAsync();

    private protected static string Name() => ReferenceClient.NewName();

    private protected static string Reserve(params (string Key, string Xuid, bool Initialize)[] reservations)
    {
        var members = new JsonObject();
        foreach (var (key, xuid, initialize) in reservations)
        {
            var system = new JsonObject { ["xuid"] = xuid };
            if (initialize)
            {
                system["initialize"] = true;
            }
            members[key] = new JsonObject { ["constants"] = new JsonObject { ["system"] = system } };
        }
        return new JsonObject { ["members"] = members }.ToJsonString();
    }
}
