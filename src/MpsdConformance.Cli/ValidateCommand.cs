using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using MpsdConformance.Contract;

namespace MpsdConformance.Cli;

/// <summary><c>mpsd validate request|properties|response &lt;file-or-folder|-&gt;...</c> and <c>mpsd validate --fixtures [DIR]</c>.</summary>
internal static class ValidateCommand
{
    private const string Description = """
        Check captured payloads against the MPSD contract's JSON Schemas (schemas/*.schema.json).

        The kind (request|properties|response) names the schema:
          request      the body of PUT .../sessions/{name}
          properties   the body of PUT .../sessions/{name}/properties
          response     a session document MPSD returned

        Prints one line per file: 'PASS <path>' or 'FAIL <path>: /json/pointer: message [REQUIREMENT-ID]'.
        A folder is searched recursively for *.json files; '-' reads one payload from standard input. Many files
        are checked in parallel and reported in the order named (a folder's files in name order).
        Files that are empty, binary, not UTF-8, not JSON or larger than 10 MB get a FAIL line saying so.

        'mpsd validate --fixtures [DIR]' checks the project's own fixtures instead (default: the clone's fixtures/,
        else the fixtures/ installed beside the tool): every valid/ payload passes, every invalid/ payload fails at
        the JSON Pointer its expected-failures.json names.

        exit codes: 0 every file valid (every fixture as expected), 1 any file invalid, 2 usage error (unknown kind,
        missing file, unreadable schemas)
        """;

    private static readonly JsonSerializerOptions JsonOutput = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The verb, reading '-' from <paramref name="stdin"/>.</summary>
    public static Command Create(Stream stdin)
    {
        var kind = new Argument<string?>("kind") { Arity = ArgumentArity.ZeroOrOne, Description = "request|properties|response: which schema the payloads must satisfy" };
        var paths = new Argument<string[]>("paths") { Arity = ArgumentArity.ZeroOrMore, Description = "payload files, folders (searched for *.json), or - for standard input" };
        var json = new Option<bool>("--json") { Description = "one JSON document on standard output instead of lines (every violation, with its schema location and ledger IDs)" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "after a FAIL line, one indented line per further violation" };
        var undocumented = new Option<bool>("--undocumented", "--extras") { Description = "also list fields the docs do not describe as 'info:' lines (informational, never a failure)" };
        var schemas = new Option<string?>("--schemas") { HelpName = "DIR", Description = "use the schemas in DIR instead of the copy shipped with the tool" };
        var fixtures = new Option<string?>("--fixtures")
        {
            HelpName = "DIR",
            Arity = ArgumentArity.ZeroOrOne,
            Description = "check the project's fixtures in DIR (default: the clone's fixtures/, else the installed ones) against their expectations",
        };
        var command = new Command("validate", Description) { kind, paths, json, verbose, undocumented, schemas, fixtures };
        command.Validators.Add(result =>
        {
            var words = new[] { result.GetValue(kind) }.Concat(result.GetValue(paths) ?? []).OfType<string>().ToList();
            if (result.GetResult(fixtures) is not null)
            {
                if (words.Count > 0)
                {
                    result.AddError("--fixtures takes at most one folder, and no kind or file");
                }
            }
            else if (words.Count == 0)
            {
                result.AddError("name a kind (request, properties or response) and at least one file or folder");
            }
            else if (!SchemaKinds.TryParse(words[0], out var parsed))
            {
                result.AddError($"unknown kind '{words[0]}': use request, properties or response");
            }
            else if (words.Count == 1)
            {
                result.AddError($"name at least one file or folder to validate as {parsed.Name()} (or - for standard input)");
            }
            else if (words.Count(w => w == "-") > 1)
            {
                result.AddError("standard input (-) can be named only once");
            }
        });
        command.SetAction((parsed, _) =>
        {
            var stdout = parsed.InvocationConfiguration.Output;
            var stderr = parsed.InvocationConfiguration.Error;
            if (parsed.GetResult(fixtures) is not null)
            {
                return FixturesCommand.RunAsync(parsed.GetValue(fixtures), parsed.GetValue(schemas), stdout, stderr);
            }
            SchemaKinds.TryParse(parsed.GetValue(kind)!, out var schemaKind);
            var options = new Settings(schemaKind, parsed.GetValue(json), parsed.GetValue(verbose), parsed.GetValue(undocumented), parsed.GetValue(schemas));
            return RunAsync(options, parsed.GetValue(paths)!, stdin, stdout, stderr);
        });
        return command;
    }

    private static async Task<int> RunAsync(Settings settings, IReadOnlyList<string> targets, Stream stdin, TextWriter stdout, TextWriter stderr)
    {
        var (kind, json, verbose, undocumented, schemas) = settings;
        var missing = targets.Where(t => t != "-" && !File.Exists(t) && !Directory.Exists(t)).ToList();
        if (missing.Count > 0)
        {
            throw new UsageException($"no such file or folder: {string.Join(", ", missing)}");
        }

        var validator = Validator(schemas);
        var results = new List<FileResult>();
        var paths = targets.SelectMany(Expand).ToList();
        // Files are checked in parallel, a batch at a time, and reported in the order named: the schemas are loaded
        // once and shared (the validator is thread-safe), and most files pass the quick pass/fail check alone.
        var batch = new FileResult[Math.Min(paths.Count, 512)];
        for (var start = 0; start < paths.Count; start += batch.Length)
        {
            var count = Math.Min(batch.Length, paths.Count - start);
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            {
                var path = paths[start + i];
                var report = path == "-"
                    ? ValidateStdin(validator, kind, stdin, undocumented)
                    : validator.ValidateFile(kind, path, undocumented);
                batch[i] = new FileResult(path == "-" ? "<stdin>" : path, report);
            });
            for (var i = 0; i < count; i++)
            {
                results.Add(batch[i]);
                if (!json)
                {
                    await WriteLinesAsync(stdout, batch[i], verbose, undocumented);
                }
            }
        }
        var valid = results.Count(r => r.Report.IsValid);
        if (json)
        {
            await stdout.WriteLineAsync(JsonSerializer.Serialize(new
            {
                kind = kind.Name(),
                summary = new { files = results.Count, valid, invalid = results.Count - valid },
                files = results.Select(r => new
                {
                    path = r.Path,
                    valid = r.Report.IsValid,
                    problem = r.Report.Problem,
                    violations = r.Report.Violations.Select(v => new
                    {
                        pointer = v.Pointer,
                        message = v.Message,
                        requirement = v.Requirement,
                        requirements = v.Requirements,
                        schemaLocation = v.SchemaLocation,
                        kind = v.Kind,
                    }),
                    undocumented = undocumented ? r.Report.Undocumented.Select(u => u.Pointer) : null,
                }),
            }, JsonOutput));
        }
        else
        {
            await stderr.WriteLineAsync($"{results.Count} file(s) checked as {kind.Name()}: {valid} valid, {results.Count - valid} invalid");
        }
        if (results.Count == 0)
        {
            await stderr.WriteLineAsync("mpsd validate: no *.json file found in the folder(s) named");
            return ExitCodes.Usage;
        }
        return valid == results.Count ? ExitCodes.Ok : ExitCodes.Failed;
    }

    /// <summary>The contract's validator for <paramref name="schemas"/> (null: the shipped copy); unreadable schemas are a usage error.</summary>
    internal static ContractValidator Validator(string? schemas)
    {
        try
        {
            return ContractValidator.Shared(schemas);
        }
        catch (ContractLoadException e)
        {
            throw new UsageException(e.Message);
        }
    }

    private static IEnumerable<string> Expand(string target)
    {
        if (target == "-" || File.Exists(target))
        {
            return [target];
        }
        return Directory.EnumerateFiles(target, "*", new EnumerationOptions { RecurseSubdirectories = true, MatchCasing = MatchCasing.CaseInsensitive, AttributesToSkip = FileAttributes.None })
            .Where(p => p.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);
    }

    private static ValidationReport ValidateStdin(ContractValidator validator, SchemaKind kind, Stream stdin, bool undocumented)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while (buffer.Length <= PayloadText.MaxBytes && (n = stdin.Read(chunk, 0, chunk.Length)) > 0)
        {
            buffer.Write(chunk, 0, n);
        }
        return PayloadText.TryDecode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), out var text, out var problem)
            ? validator.Validate(kind, text, undocumented)
            : new ValidationReport(kind, problem, [], []);
    }

    private static async Task WriteLinesAsync(TextWriter stdout, FileResult result, bool verbose, bool undocumented)
    {
        var report = result.Report;
        if (report.Problem is not null)
        {
            await stdout.WriteLineAsync($"FAIL {result.Path}: {report.Problem}");
        }
        else if (report.Violations.Count == 0)
        {
            await stdout.WriteLineAsync($"PASS {result.Path}");
        }
        else
        {
            var more = report.Violations.Count - 1;
            var suffix = more > 0 && !verbose ? $" (+{more} more; --verbose lists them)" : "";
            await stdout.WriteLineAsync($"FAIL {result.Path}: {report.Violations[0]}{suffix}");
            if (verbose)
            {
                foreach (var violation in report.Violations.Skip(1))
                {
                    await stdout.WriteLineAsync($"     {violation}");
                }
            }
        }
        if (undocumented)
        {
            foreach (var field in report.Undocumented)
            {
                await stdout.WriteLineAsync($"     info: {field.Pointer}: undocumented field");
            }
        }
    }

    private sealed record FileResult(string Path, ValidationReport Report);

    private sealed record Settings(SchemaKind Kind, bool Json, bool Verbose, bool Undocumented, string? Schemas);
}
