using MpsdConformance.Contract;

namespace MpsdConformance.Cli;

/// <summary><c>mpsd validate --fixtures [DIR]</c>: the fixtures against their expectations.</summary>
internal static class FixturesCommand
{
    /// <summary>Checks the fixtures in <paramref name="directory"/> (null: the project's own, see <see cref="Locations.Fixtures"/>).</summary>
    public static async Task<int> RunAsync(string? directory, string? schemas, TextWriter stdout, TextWriter stderr)
    {
        if (directory is null)
        {
            var locations = Locations.Find();
            var found = locations.Fixtures
                ?? throw new UsageException($"no fixtures folder found (looked for {string.Join(" and ", locations.FixturesCandidates)}): name one with --fixtures DIR");
            directory = Path.GetRelativePath(Environment.CurrentDirectory, found);
        }
        else if (!Directory.Exists(directory))
        {
            throw new UsageException($"no fixtures folder '{directory}' (name an existing folder, or none for the project's own)");
        }
        var validator = ValidateCommand.Validator(schemas);
        var catalog = FixtureCatalog.Load(directory);
        var failed = 0;
        foreach (var fixture in catalog.Cases)
        {
            var ok = fixture.Check(validator, out var detail);
            failed += ok ? 0 : 1;
            await stdout.WriteLineAsync($"{(ok ? "PASS" : "FAIL")} {Path.Combine(directory, fixture.RelativePath)}: {fixture.Kind.Name()}, {detail}");
        }
        foreach (var problem in catalog.Problems)
        {
            failed++;
            await stdout.WriteLineAsync($"FAIL {problem}");
        }
        var total = catalog.Cases.Count + catalog.Problems.Count;
        await stderr.WriteLineAsync($"{total} fixture check(s): {total - failed} as expected, {failed} not");
        if (catalog.Cases.Count == 0)
        {
            await stderr.WriteLineAsync($"mpsd validate: no fixture found below '{directory}'");
            return ExitCodes.Usage;
        }
        return failed == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }
}
