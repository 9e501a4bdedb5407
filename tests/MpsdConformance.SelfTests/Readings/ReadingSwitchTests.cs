using System.Net;
using System.Text.Json.Nodes;
using MpsdConformance.Cli;
using MpsdConformance.Contract;
using MpsdConformance.Reference;

namespace MpsdConformance.SelfTests.Readings;

/// <summary>The reference server's reading switches and the ledger's ambiguities are the same set, reading for reading.</summary>
public class ReadingSwitchTests
{
    private static readonly RequirementLedger Ledger = RequirementLedger.Load(Repo.Schemas);

    private static Dictionary<string, Ambiguity> Ambiguities() =>
        Ledger.Requirements.Where(r => r.Ambiguity is not null).ToDictionary(r => r.Id, r => r.Ambiguity!, StringComparer.Ordinal);

    [Test]
    public void EveryAmbiguityOfTheLedger_HasASwitchForEachOfItsReadings_AndNoSwitchLacksOne()
    {
        var ledger = Ambiguities().Select(kv => $"{kv.Key}: {string.Join(", ", kv.Value.Readings.Select(r => r.Id).Order(StringComparer.Ordinal))}");
        var switches = ReferenceReadings.Switches.Select(s => $"{s.Requirement}: {string.Join(", ", s.Ids.Order(StringComparer.Ordinal))}");
        Assert.Multiple(() =>
        {
            Assert.That(switches, Is.EquivalentTo(ledger), "ledger ambiguities (requirement: readings) and reference switches");
            Assert.That(ReferenceReadings.Switches, Has.Count.EqualTo(Ambiguities().Count));
        });
    }

    [Test]
    public void EverySwitchDefaultsToTheReadingTheLedgerMarksReference()
    {
        var marked = Ambiguities().ToDictionary(kv => kv.Key, kv => kv.Value.Readings.Single(r => r.Reference).Id);
        Assert.That(ReferenceReadings.Reference, Is.EquivalentTo(marked));
    }

    [Test]
    public void TheSwitchesAreInLedgerOrder()
    {
        Assert.That(ReferenceReadings.Switches.Select(s => s.Requirement), Is.EqualTo(Ambiguities().Keys));
    }

    [Test]
    public void Alternative_TakesANonReferenceReadingForEverySwitch()
    {
        var alternative = ReferenceReadings.Alternative();
        Assert.Multiple(() =>
        {
            Assert.That(alternative.Keys, Is.EquivalentTo(ReferenceReadings.Reference.Keys));
            Assert.That(ReferenceReadings.Flipped(alternative), Has.Count.EqualTo(ReferenceReadings.Switches.Count));
        });
    }

    [Test]
    public void Apply_FlipsTheNamedReadings_AndKeepsTheOthers()
    {
        var chosen = ReferenceReadings.Apply(["GET-MISSING=404", "SESSION-FULL=409"]);
        Assert.Multiple(() =>
        {
            Assert.That(chosen["GET-MISSING"], Is.EqualTo("404"));
            Assert.That(ReferenceReadings.Flipped(chosen), Is.EqualTo(new[] { "SESSION-FULL=409", "GET-MISSING=404" }));
        });
    }

    [TestCase("NO-SUCH-REQ=1", "no reading switch for requirement 'NO-SUCH-REQ'", "GET-MISSING")]
    [TestCase("GET-MISSING=410", "GET-MISSING has no reading '410'", "204, 404")]
    [TestCase("GET-MISSING", "is not REQUIREMENT-ID=READING", "GET-MISSING=404")]
    [TestCase("=404", "is not REQUIREMENT-ID=READING", "GET-MISSING=404")]
    public void Apply_RefusesAnUnknownPair_NamingItAndTheValidOnes(string pair, string names, string lists)
    {
        var e = Assert.Throws<ReferenceConfigException>(() => ReferenceReadings.Apply([pair]));
        Assert.That(e!.Message, Does.Contain(names).And.Contain(lists));
    }

    [Test]
    public void Named_KnowsReferenceAndAlt_AndRefusesOthers()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ReferenceReadings.Named("reference"), Is.EquivalentTo(ReferenceReadings.Reference));
            Assert.That(ReferenceReadings.Named("alt"), Is.EquivalentTo(ReferenceReadings.Alternative()));
            Assert.That(() => ReferenceReadings.Named("other"), Throws.TypeOf<ReferenceConfigException>().With.Message.Contain("reference or alt"));
        });
    }

    [Test]
    public void AServerStartedWithAnUnknownReading_DoesNotStart()
    {
        var options = new ReferenceOptions { SchemasDirectory = Repo.Schemas, Readings = new Dictionary<string, string> { ["GET-MISSING"] = "410" } };
        var e = Assert.ThrowsAsync<ReferenceConfigException>(async () => await ReferenceServer.StartAsync(options));
        Assert.That(e!.Message, Does.Contain("GET-MISSING has no reading '410'"));
    }

    [Test]
    public async Task AServerReportsTheReadingsItTakes()
    {
        await using var server = await ReferenceServer.StartAsync(new ReferenceOptions
        {
            SchemasDirectory = Repo.Schemas,
            Readings = new Dictionary<string, string> { ["GET-MISSING"] = "404" },
        });
        Assert.That(ReferenceReadings.Flipped(server.Readings), Is.EqualTo(new[] { "GET-MISSING=404" }));
    }

    [Test]
    public async Task Serve_WithAReading_SaysSo_AndTakesIt()
    {
        var profilePath = Path.Combine(Path.GetTempPath(), "mpsd-profile-" + Guid.NewGuid().ToString("N") + ".json");
        var output = new StringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var serving = CommandLine.RunAsync(["serve", "--port", "0", "--profile-out", profilePath, "--reading", "GET-MISSING=404"], Stream.Null, output, TextWriter.Null, stop.Token);
        try
        {
            while (!output.ToString().Contains("press Ctrl-C", StringComparison.Ordinal) && !serving.IsCompleted)
            {
                await Task.Delay(50, stop.Token);
            }
            Assert.That(output.ToString(), Does.Contain("readings other than the reference ones: GET-MISSING=404"));
            var profile = JsonNode.Parse(await File.ReadAllTextAsync(profilePath, stop.Token))!;
            using var http = new HttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{profile["baseUrl"]}/serviceconfigs/{profile["scid"]}/sessiontemplates/quick/sessions/{Guid.NewGuid()}");
            request.Headers.TryAddWithoutValidation("Authorization", (string)profile["users"]![0]!["headers"]!["Authorization"]!);
            request.Headers.TryAddWithoutValidation("X-Xbl-Contract-Version", "107");
            using var response = await http.SendAsync(request, stop.Token);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "GET of a missing session under GET-MISSING=404");
        }
        finally
        {
            await stop.CancelAsync();
            Assert.That(await serving, Is.EqualTo(ExitCodes.Ok));
            File.Delete(profilePath);
        }
    }
}
