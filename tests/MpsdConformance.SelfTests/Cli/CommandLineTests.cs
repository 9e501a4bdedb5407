using MpsdConformance.Cli;

namespace MpsdConformance.SelfTests.Cli;

/// <summary>The parser every verb shares: generated help, one-line usage errors with exit code 2, the version.</summary>
[Parallelizable(ParallelScope.All)]
public class CommandLineTests
{
    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CommandLine.RunAsync(args, Stream.Null, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [TestCase("certify", new[] { "--profile <FILE>", "--out <DIR>", "--filter <EXPR>", "--known-issues <FILE>", "--record-mappings <DIR>" })]
    [TestCase("validate", new[] { "<kind>", "<paths>", "--json", "--verbose", "--undocumented", "--schemas <DIR>", "--fixtures" })]
    [TestCase("serve", new[] { "--port <N>", "[default: 5080]", "--host <ADDRESS>", "--config <FILE>", "--profile-out <FILE>", "--log", "--readings <SET>", "--reading <ID=VALUE>" })]
    [TestCase("report", new[] { "--allure", "<RUN-DIR>" })]
    [TestCase("stub", new[] { "--port <N>", "[default: 7171]", "--host <ADDRESS>", "--mappings <DIR>" })]
    public async Task Help_OfEachVerb_Exits0_ListingItsOptionsAndExitCodes(string verb, string[] options)
    {
        foreach (var flag in new[] { "--help", "-h" })
        {
            var (code, output, error) = await Run(verb, flag);
            Assert.Multiple(() =>
            {
                Assert.That(code, Is.EqualTo(ExitCodes.Ok), error);
                Assert.That(output, Does.Contain($"mpsd {verb} "));
                Assert.That(output, Does.Contain("exit codes: 0 "));
                Assert.That(output, Does.Contain("--help"));
                foreach (var option in options)
                {
                    Assert.That(output, Does.Contain(option));
                }
                Assert.That(output.Split('\n'), Has.None.Matches<string>(line => line.EndsWith(' ')), "no trailing spaces");
                Assert.That(error, Is.Empty);
            });
        }
    }

    [Test]
    public async Task Help_OfTheRoot_ListsEveryVerbWithItsSummary()
    {
        var (code, output, _) = await Run("--help");
        var (helpCode, helpVerb, _) = await Run("help");
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ExitCodes.Ok));
            Assert.That(output, Does.Contain("mpsd [command] [options]").And.Contain("exit codes"));
            foreach (var verb in new[] { "certify", "validate", "serve", "stub", "report", "help" })
            {
                Assert.That(output, Does.Match($@"\n  {verb}\b"), verb);
            }
            Assert.That(output, Does.Contain("Run the conformance suite against a target"));
            Assert.That(output, Does.Not.Contain("scenario-results.json"), "the verbs' details stay on their own pages");
            Assert.That(helpCode, Is.EqualTo(ExitCodes.Ok));
            Assert.That(helpVerb, Is.EqualTo(output));
        });
    }

    [Test]
    public async Task HelpVerb_WithAVerb_IsThatVerbsHelp()
    {
        var (_, viaHelp, _) = await Run("help", "certify");
        var (_, viaOption, _) = await Run("certify", "--help");
        Assert.That(viaHelp, Is.EqualTo(viaOption));
    }

    [Test]
    public async Task NoVerb_PrintsTheHelpOnStandardError_Exit2()
    {
        var (code, output, error) = await Run();
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ExitCodes.Usage));
            Assert.That(output, Is.Empty);
            Assert.That(error, Does.Contain("mpsd [command] [options]").And.Contain("certify"));
        });
    }

    [TestCase("certify")]
    [TestCase("validate")]
    [TestCase("serve")]
    [TestCase("report")]
    public async Task UnknownOption_Exits2_WithOneLineNamingIt(string verb)
    {
        var (code, output, error) = await Run(verb, "--bogus");
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ExitCodes.Usage));
            Assert.That(error.TrimEnd(), Is.EqualTo($"mpsd {verb}: unknown option '--bogus' (see 'mpsd {verb} --help')"));
            Assert.That(output, Is.Empty);
        });
    }

    [TestCase("certify", "--profile", "a file")]
    [TestCase("certify", "--out", "a folder")]
    [TestCase("certify", "--filter", "an expression")]
    [TestCase("certify", "--known-issues", "a file")]
    [TestCase("validate", "--schemas", "a folder")]
    [TestCase("serve", "--port", "a number")]
    [TestCase("serve", "--host", "an IP address")]
    [TestCase("serve", "--config", "a file")]
    [TestCase("serve", "--profile-out", "a file")]
    [TestCase("serve", "--reading", "a REQUIREMENT-ID=READING pair")]
    [TestCase("serve", "--readings", "a set of readings")]
    public async Task MissingOptionValue_Exits2_NamingTheOption(string verb, string option, string what)
    {
        var (code, _, error) = await Run(verb, option);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ExitCodes.Usage));
            Assert.That(error.TrimEnd(), Is.EqualTo($"mpsd {verb}: {option} needs {what} (see 'mpsd {verb} --help')"));
        });
    }

    [TestCase(new[] { "serve", "--port", "70000" }, "mpsd serve: --port takes a number from 0 to 65535, not '70000'")]
    [TestCase(new[] { "serve", "--port", "-1" }, "mpsd serve: --port takes a number from 0 to 65535, not '-1'")]
    [TestCase(new[] { "serve", "--host", "localhost" }, "mpsd serve: --host takes an IP address such as 127.0.0.1, not 'localhost'")]
    [TestCase(new[] { "serve", "--reading", "GET-MISSING=410" }, "mpsd serve: GET-MISSING has no reading '410'; its readings are: 204, 404 (reference: 204)")]
    [TestCase(new[] { "serve", "--reading", "NO-SUCH-ID=1" }, "mpsd serve: no reading switch for requirement 'NO-SUCH-ID'; the switches are: HDR-CONTRACT-VERSION, ")]
    [TestCase(new[] { "serve", "--reading", "GET-MISSING" }, "mpsd serve: 'GET-MISSING' is not REQUIREMENT-ID=READING, e.g. GET-MISSING=404")]
    [TestCase(new[] { "serve", "--readings", "other" }, "mpsd serve: unknown set of readings 'other'; use reference or alt")]
    [TestCase(new[] { "report", "--allure", "a", "b" }, "mpsd report: unexpected argument 'b'")]
    [TestCase(new[] { "report" }, "mpsd report: name the renderer: --allure")]
    [TestCase(new[] { "validate", "--fixtures", "a", "b" }, "mpsd validate: --fixtures takes at most one folder")]
    [TestCase(new[] { "bogus" }, "mpsd: unknown verb 'bogus' (see 'mpsd --help')")]
    [TestCase(new[] { "--bogus" }, "mpsd: unknown option '--bogus' (see 'mpsd --help')")]
    public async Task BadValue_Exits2_WithOneLineSayingWhatIsWrong(string[] args, string message)
    {
        var (code, _, error) = await Run(args);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ExitCodes.Usage));
            Assert.That(error, Does.StartWith(message));
            Assert.That(error.TrimEnd(), Does.Not.Contain('\n'), "one line");
        });
    }

    [Test]
    public async Task Version_PrintsTheAssemblyVersion_Exit0()
    {
        var (code, output, error) = await Run("--version");
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ExitCodes.Ok), error);
            Assert.That(output.Trim(), Is.EqualTo(typeof(CommandLine).Assembly.GetName().Version!.ToString()));
        });
    }

    [Test]
    public async Task AtSign_NamesAFile_NotAResponseFile()
    {
        var (code, _, error) = await Run("validate", "request", "@no-such-file.json", "--schemas", Repo.Schemas);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ExitCodes.Usage));
            Assert.That(error, Does.Contain("no such file or folder: @no-such-file.json"));
        });
    }
}
