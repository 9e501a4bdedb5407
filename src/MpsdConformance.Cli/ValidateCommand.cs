using System.Text.Json;
using System.Text.Json.Serialization;
using MpsdConformance.Contract;

namespace MpsdConformance.Cli;

/// <summary><c>mpsd validate request|properties|response &lt;file-or-folder|-&gt;...</c></summary>
internal static class ValidateCommand
{
    private const string Help = """
        usage: mpsd validate request|properties|response <file-or-folder|->... [--json] [--verbose] [--undocumented]
               mpsd validate --fixtures [DIR]

        Checks captured payloads against the MPSD contract's JSON Schemas (schemas/*.schema.json):
          request      the body of PUT .../sessions/{name}
          properties   the body of PUT .../sessions/{name}/properties
          response     a session document MPSD returned

        Prints one line per file: 'PASS <path>' or 'FAIL <path>: /json/pointer: message [REQUIREMENT-ID]'.
        A folder is searched recursively for *.json files; '-' reads one payload from standard input.
        Files that are empty, binary, not UTF-8, not JSON or larger than 10 MB get a FAIL line saying so.

        'mpsd validate --fixtures' checks the project's own fixtures (default: ./fixtures): every valid/
        payload passes, every invalid/ payload fails at the JSON Pointer its expected-failures.json names.

        options:
          --json          one JSON document on standard output instead of lines (every violation, with
                          schema location and ledger IDs)
          --verbose       after a FAIL line, one indented line per further violation
          --undocumented  also list fields the docs do not describe (informational, never a failure)
          --schemas DIR   use the schemas in DIR instead of the shipped copy

        exit codes: 0 every file valid, 1 any file invalid, 2 usage error
        """;

    private static readonly JsonSerializerOptions JsonOutput = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static async Task<int> RunAsync(string[] args, Stream stdin, TextWriter stdout, TextWriter stderr)
    {
        var inputs = new List<string>();
        bool json = false, verbose = false, undocumented = false;
        string? schemas = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--help" or "-h":
                    await stdout.WriteLineAsync(Help);
                    return ExitCodes.Ok;
                case "--fixtures":
                    return await FixturesCommand.RunAsync(args[(i + 1)..], schemas, stdout, stderr);
                case "--json":
                    json = true;
                    break;
                case "--verbose" or "-v":
                    verbose = true;
                    break;
                case "--undocumented" or "--extras":
                    undocumented = true;
                    break;
                case "--schemas":
                    schemas = i + 1 < args.Length ? args[++i] : throw new UsageException("--schemas needs a folder");
                    break;
                case var option when option.StartsWith("--", StringComparison.Ordinal):
                    throw new UsageException($"unknown option '{option}' (see 'mpsd validate --help')");
                default:
                    inputs.Add(args[i]);
                    break;
            }
        }
        if (inputs.Count == 0)
        {
            throw new UsageException("name a kind (request, properties or response) and at least one file or folder\n\n" + Help);
        }
        if (!SchemaKinds.TryParse(inputs[0], out var kind))
        {
            throw new UsageException($"unknown kind '{inputs[0]}': use request, properties or response");
        }
        var targets = inputs.Skip(1).ToList();
        if (targets.Count == 0)
        {
            throw new UsageException($"name at least one file or folder to validate as {kind.Name()} (or - for standard input)");
        }
        var missing = targets.Where(t => t != "-" && !File.Exists(t) && !Directory.Exists(t)).ToList();
        if (missing.Count > 0)
        {
            throw new UsageException($"no such file or folder: {string.Join(", ", missing)}");
        }
        if (targets.Count(t => t == "-") > 1)
        {
            throw new UsageException("standard input (-) can be named only once");
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

        var results = new List<FileResult>();
        foreach (var target in targets)
        {
            foreach (var path in Expand(target))
            {
                var report = path == "-"
                    ? ValidateStdin(validator, kind, stdin, undocumented)
                    : validator.ValidateFile(kind, path, undocumented);
                var result = new FileResult(path == "-" ? "<stdin>" : path, report);
                results.Add(result);
                if (!json)
                {
                    await WriteLinesAsync(stdout, result, verbose, undocumented);
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
}
