using System.CommandLine;
using System.Globalization;

namespace MpsdConformance.Cli;

/// <summary><c>mpsd selftest mutants [--out DIR] [--only NAMES] [--jobs N]</c>: the suite judged by the mutation matrix.</summary>
internal static class SelftestCommand
{
    private const string Description = """
        Prove the suite itself: certify mutants of the reference server and check that each one fails.

        'mpsd selftest mutants' starts one reference server per mutant of the catalogue (each breaks exactly one MUST
        or SHOULD requirement; 'mpsd serve --fault NAME' runs one on its own), certifies it, and checks that the broken
        requirement fails (or warns) through a scenario that names it, and that no other MUST fails. The unmutated
        reference server runs first as the control.

        exit codes: 0 proven, 1 a mutant survived or broke another MUST, 2 bad options
        """;

    private const string MutantsDescription = """
        Certify every mutant of the reference server; write kill-matrix.json and print the matrix.

        A mutant is killed when its requirement's verdict is fail (MUST) or warn (SHOULD) through at least one
        scenario naming it; any other MUST that fails under it is collateral. Several certifications run at a time,
        each lane a child process certifying its mutants one after another. './mpsd selftest mutants --out schemas'
        regenerates the matrix the reports show.

        exit codes: 0 every mutant killed with no collateral MUST failure and the control fully conformant,
        1 a survivor, an error or a collateral MUST failure, 2 bad options
        """;

    /// <summary>The verb and its one subcommand.</summary>
    public static Command Create()
    {
        var outDir = new Option<string?>("--out")
        {
            HelpName = "DIR",
            Description = "where kill-matrix.json goes (default: reports/mutants-<run-id> in the clone, else under the current directory)",
        };
        var only = new Option<string?>("--only")
        {
            HelpName = "NAMES",
            Description = "only these mutants: names or requirement IDs, separated by commas ('none' is the control run)",
        };
        var jobs = new Option<int>("--jobs")
        {
            HelpName = "N",
            Description = $"certifications at a time (default {MutantMatrix.DefaultJobs}; 1 runs them in this process)",
            DefaultValueFactory = _ => MutantMatrix.DefaultJobs,
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value is < 1 or > 16)
                {
                    result.AddError($"--jobs takes a number from 1 to 16, not '{text}'");
                }
                return value;
            },
        };
        var lane = new Option<bool>("--lane") { Description = "run as one lane of a parent matrix (internal)", Hidden = true };
        var mutants = new Command("mutants", MutantsDescription) { outDir, only, jobs, lane };
        mutants.SetAction((parsed, stop) => MutantMatrix.RunAsync(
            new MutantMatrix.Options(parsed.GetValue(outDir), parsed.GetValue(only), parsed.GetValue(jobs), parsed.GetValue(lane)),
            parsed.InvocationConfiguration.Output, stop));
        var command = new Command("selftest", Description) { mutants };
        command.SetAction(async (parsed, stop) =>
        {
            await parsed.InvocationConfiguration.Error.WriteLineAsync($"{CommandLine.Name} selftest: name what to prove: 'mutants' (see '{CommandLine.Name} selftest --help')");
            return ExitCodes.Usage;
        });
        return command;
    }
}
