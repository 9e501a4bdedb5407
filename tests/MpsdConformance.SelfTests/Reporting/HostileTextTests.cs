using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;
using MpsdConformance.Cli;
using MpsdConformance.Contract;
using MpsdConformance.Reporting;

namespace MpsdConformance.SelfTests.Reporting;

/// <summary>
/// Every report writer survives any text the target sends (issue 12): runs whose exchanges, failure messages,
/// findings and scenario names carry control characters, lone surrogates, noncharacters, markup breakers, ANSI
/// sequences and long lines still write every file, and each file parses in its own format.
/// </summary>
public class HostileTextTests
{
    private static readonly TargetDescription Target = new("http://127.0.0.1:5080/", "8e9a0f52-6e6b-4c1a-9d2e-1b7c3f0a5d11", 107, "sample",
        new Dictionary<string, string> { ["open"] = "quick" }, ["alice"], false);

    /// <summary>The hand list: every C0 and C1 control, DEL, lone surrogates, noncharacters, markup and terminal breakers.</summary>
    public static IEnumerable<string> Nasties()
    {
        for (var c = 0; c < 0x20; c++)
        {
            yield return $"before{(char)c}after";
        }
        for (var c = 0x7f; c <= 0x9f; c++)
        {
            yield return $"before{(char)c}after";
        }
        yield return "\uD800 lone high";
        yield return "lone low \uDC00";
        yield return "reversed \uDC00\uD800 pair";
        yield return "ends high \uD83D";
        yield return "noncharacters \uFFFE \uFFFF";
        yield return "]]> <![CDATA[ x ]]>";
        yield return "</script><script>alert(1)</script>";
        yield return "</SCRIPT >";
        yield return "<!-- comment --> <!--";
        yield return "\"quotes\" 'single' `back` &amp; &#0; &#x1c;";
        yield return "\u001b[31mred\u001b[0m \u001b]0;title\u0007 \u009b2J \u001bc";
        yield return "\0NUL\0";
        yield return "bidi \u202eevil\u202c \u2066x\u2069";
        yield return new string('x', 200_000);
        yield return Encoding.UTF8.GetString([0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80]);
        yield return "emoji 😀 kept";
    }

    private static string RandomText(Random random)
    {
        var text = new StringBuilder();
        var length = random.Next(0, 80);
        for (var i = 0; i < length; i++)
        {
            text.Append(random.Next(4) switch
            {
                0 => (char)random.Next(0, 0x20),
                1 => (char)random.Next(0x7f, 0xa0),
                2 => (char)random.Next(0xd800, 0xe000),
                _ => (char)random.Next(0, 0x10000),
            });
        }
        return text.ToString();
    }

    /// <summary>A run with one scenario per nasty string, whose every target-given text is that string.</summary>
    private static RunResults HostileRun(IReadOnlyList<string> nasties)
    {
        var sample = SampleRun.Build().Results;
        var results = new List<ScenarioResult>();
        for (var i = 0; i < nasties.Count; i++)
        {
            var nasty = nasties[i];
            var template = sample[i % sample.Count];
            var exchange = new Exchange(SampleRun.Start, "PUT", "http://127.0.0.1:5080/sessions/" + nasty,
                [new("If-Match", nasty), new("Content-Type", nasty)], nasty, 200, nasty,
                [new("ETag", nasty), new("Content-Type", "application/json" + nasty)], nasty, 1, i % 3 == 0 ? nasty : null, "alice");
            var failed = i % 2 == 0;
            results.Add(template with
            {
                Name = $"Hostile{i}_{nasty[..Math.Min(nasty.Length, 100)]}",
                FullName = $"MpsdConformance.Scenarios.Hostile.Hostile{i}_{nasty[..Math.Min(nasty.Length, 100)]}",
                Outcome = failed ? Outcome.Failed : i % 3 == 0 ? Outcome.Error : Outcome.Inconclusive,
                Message = "expected 201, got\n" + nasty + "\n" + exchange.Describe(),
                Exchanges = [exchange, exchange with { Error = null, Reason = "OK" }],
                Findings = [new ContractFinding(template.Requirements[0], nasty, "http://127.0.0.1:5080/" + nasty)],
                Readings = [new ObservedReading(template.Requirements[0], nasty)],
                CleanupProblems = [nasty],
            });
        }
        return RunResults.Of(Target, SampleRun.Start, SampleRun.Start.AddSeconds(3), results);
    }

    private static readonly Regex ScriptBlock = new("<script[^>]*>(.*?)</script>", RegexOptions.Singleline | RegexOptions.IgnoreCase);

    private static async Task EveryWriterSurvives(IReadOnlyList<string> nasties)
    {
        var results = HostileRun(nasties);
        var ledger = RequirementLedger.Load(Repo.Schemas);
        var verdict = RunVerdict.Judge(ledger, results.Results);
        var output = Path.Combine(Path.GetTempPath(), "mpsd-hostile-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(output);
        try
        {
            var runLog = string.Join("\n", nasties.Select(n => "log " + n));
            new ReportBuilder(new Locations(Repo.Root), "hostile-run", "./mpsd certify " + nasties[0]).Write(results, ledger, verdict, runLog, output, linkLatest: false);
            var console = new StringWriter();
            await CertifySummary.WriteAsync(console, verdict, results.Results, TimeSpan.FromSeconds(1), output);

            var settings = new XmlReaderSettings { CheckCharacters = true, DtdProcessing = DtdProcessing.Prohibit };
            using (var xml = XmlReader.Create(Path.Combine(output, "junit.xml"), settings))
            {
                while (xml.Read())
                {
                }
            }
            var jsonFiles = new[] { "verdicts.json", RunResults.FileName }.Select(f => Path.Combine(output, f))
                .Concat(Directory.EnumerateFiles(Path.Combine(output, "allure-results"), "*.json")).ToList();
            Assert.That(jsonFiles, Has.Count.GreaterThan(2 + nasties.Count));
            foreach (var file in jsonFiles)
            {
                using var document = JsonDocument.Parse(File.ReadAllBytes(file));
                Walk(document.RootElement); // GetString throws on an escaped lone surrogate
            }
            Assert.That(RunResults.Read(Path.Combine(output, RunResults.FileName)).Results, Has.Count.EqualTo(nasties.Count));

            var html = File.ReadAllText(Path.Combine(output, "compliance.html"));
            Assert.Multiple(() =>
            {
                Assert.That(ControlCharacters(html), Is.Empty, "raw control characters in compliance.html");
                foreach (Match block in ScriptBlock.Matches(html))
                {
                    Assert.That(block.Groups[1].Value, Does.Not.Contain("<script").IgnoreCase.And.Not.Contain("<!--"), "markup inside a script block");
                }
                Assert.That(ScriptBlock.Matches(html), Has.Count.EqualTo(1), "the report's own script block only");
                Assert.That(html, Does.Not.Contain("<script>alert"));
                foreach (var file in Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".json", StringComparison.Ordinal)))
                {
                    Assert.That(ControlCharacters(File.ReadAllText(file)), Is.Empty, $"raw control characters in {Path.GetFileName(file)}");
                }
                Assert.That(ControlCharacters(console.ToString()), Is.Empty, "raw control characters on the console");
            });
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static void Walk(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Walk(property.Value);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item);
                }
                break;
            case JsonValueKind.String:
                _ = element.GetString();
                break;
        }
    }

    /// <summary>The code points of the controls, lone surrogates and noncharacters left raw (line feed, tab and CRLF allowed).</summary>
    private static List<string> ControlCharacters(string text)
    {
        var found = new List<string>();
        for (var i = 0; i < text.Length && found.Count < 10; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            var bad = c switch
            {
                '\n' or '\t' => false,
                '\r' => i + 1 >= text.Length || text[i + 1] != '\n',
                < ' ' or (>= '\u007f' and <= '\u009f') or '\ufffe' or '\uffff' => true,
                _ => char.IsSurrogate(c),
            };
            if (bad)
            {
                found.Add($"U+{(int)c:X4} at {i}");
            }
        }
        return found;
    }

    [Test]
    public Task EveryWriter_SurvivesTheHandListOfNasties() => EveryWriterSurvives(Nasties().ToList());

    [Test]
    public async Task EveryWriter_SurvivesSeededRandomText([Values(1, 2, 3)] int seed)
    {
        var random = new Random(seed);
        await EveryWriterSurvives(Enumerable.Range(0, 40).Select(_ => RandomText(random)).ToList());
    }

    [Test]
    public void Plain_EscapesVisibly_AndKeepsWhatIsSafe()
    {
        Assert.Multiple(() =>
        {
            Assert.That(ReportText.Plain("a\u001cb"), Is.EqualTo("a\\u001cb"));
            Assert.That(ReportText.Plain("\u001b[31m"), Is.EqualTo("\\u001b[31m"));
            Assert.That(ReportText.Plain("x\uD800"), Is.EqualTo("x\\ud800"));
            Assert.That(ReportText.Plain("line\r\nnext\ttab 😀 é"), Is.EqualTo("line\r\nnext\ttab 😀 é"));
            Assert.That(ReportText.Plain("bare\rreturn"), Is.EqualTo("bare\\u000dreturn"));
            Assert.That(ReportText.Html("</script>\u0000"), Is.EqualTo("&lt;/script&gt;\\u0000"));
            Assert.That(ReportText.WellFormed("\u0001\uDC00"), Is.EqualTo("\u0001\\udc00"));
        });
    }
}
