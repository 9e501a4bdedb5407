using MpsdConformance.Cli;

namespace MpsdConformance.SelfTests.Cli;

/// <summary>One lookup for the clone or the installed tool: what each verb then finds, and how reports name the command.</summary>
public class LocationsTests
{
    [Test]
    public void InAClone_EverythingComesFromTheClone()
    {
        var clone = new Locations(Repo.Root);
        Assert.Multiple(() =>
        {
            Assert.That(clone.IsClone, Is.True);
            Assert.That(clone.Invocation, Is.EqualTo("./mpsd"));
            Assert.That(clone.Reports, Is.EqualTo(Path.Combine(Repo.Root, "reports")));
            Assert.That(clone.Fixtures, Is.EqualTo(Repo.Fixtures));
            Assert.That(clone.Commit(), Does.Match("^[0-9a-f]{7,}$"));
        });
    }

    [Test]
    public void Installed_ReportsGoUnderTheCurrentDirectory_AndTheCommandIsPlainMpsd()
    {
        var installed = new Locations(RepoRoot: null);
        Assert.Multiple(() =>
        {
            Assert.That(installed.IsClone, Is.False);
            Assert.That(installed.Invocation, Is.EqualTo("mpsd"));
            Assert.That(installed.Reports, Is.EqualTo(Path.Combine(Environment.CurrentDirectory, "reports")));
            Assert.That(installed.FixturesCandidates, Is.EqualTo(new[] { Path.Combine(AppContext.BaseDirectory, "fixtures") }));
            Assert.That(installed.Commit(), Is.Not.Empty);
        });
    }

    [Test]
    public void TheLedger_IsTheCopyShippedBesideTheAssembly()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Locations.Schemas, Is.EqualTo(MpsdConformance.Contract.ContractFiles.DefaultSchemasDirectory()));
            Assert.That(File.Exists(Locations.LedgerFile), Is.True);
        });
    }

    [Test]
    public void Find_FromTheTestsFolder_FindsThisClone()
    {
        Assert.That(Locations.Find().RepoRoot, Is.EqualTo(Repo.Root));
    }

    [TestCase("./mpsd", "./mpsd certify --filter 'GET-*' --known-issues known.json")]
    [TestCase("mpsd", "mpsd certify --filter 'GET-*' --known-issues known.json")]
    public void Reproduce_NamesTheCommandAsTheUserRunsIt(string invocation, string expected)
    {
        var options = new CertifyOptions(null, null, "GET-*", "known.json");
        Assert.That(options.Reproduce(invocation, null), Is.EqualTo(expected));
    }
}
