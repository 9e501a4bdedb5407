using MpsdConformance.Contract;

namespace MpsdConformance.Cli;

/// <summary><c>mpsd validate --fixtures [DIR]</c>: the fixtures against their expectations.</summary>
internal static class FixturesCommand
{
    public static async Task<int> RunAsync(string[] args, string? schemas, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length > 1)
        {
            throw new UsageException("--fixtures takes at most one folder (default: fixtures)");
        }
        var directory = args.Length == 1 ? args[0] : "fixtures";
        if (!Directory.Exists(directory))
        {
            throw new UsageException($"no fixtures folder '{directory}' (run from the repository root, or name the folder)");
        }
        ContractValidator validator;
        try
        {
            validator = ContractValidator.Shared(schemas);
        }
        catch (ContractLoadException e)
        {
            throw new UsageException(e.Message);
        }
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
