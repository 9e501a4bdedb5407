using System.CommandLine;
using System.Text;
using System.Text.RegularExpressions;
using MpsdConformance.Contract;

namespace MpsdConformance.Cli;

/// <summary>What <c>mpsd certify</c> was asked to do.</summary>
/// <param name="ProfilePath">The target profile (from --profile or $MPSD_PROFILE); null certifies the embedded reference server.</param>
/// <param name="OutDir">Where the results go; null: a new folder under the reports folder, linked as reports/latest.</param>
/// <param name="Filter">Requirement IDs, globs or ledger areas, comma-separated; null selects all.</param>
/// <param name="KnownIssuesPath">The accepted failures the gate compares the run with; null: no gate.</param>
/// <param name="RecordMappings">Where every exchange of the run goes as WireMock mappings (DIR/mappings/*.json); null: none.</param>
/// <param name="MaxDuration">The run's deadline: past it the run stops and writes a partial report; null: <see cref="DefaultMaxDuration"/>.</param>
internal sealed record CertifyOptions(string? ProfilePath, string? OutDir, string? Filter, string? KnownIssuesPath, string? RecordMappings = null, TimeSpan? MaxDuration = null)
{
    /// <summary>The deadline of a run when --max-duration is not given: fits a nightly job.</summary>
    public static readonly TimeSpan DefaultMaxDuration = TimeSpan.FromMinutes(30);

    /// <summary>The deadline in force.</summary>
    public TimeSpan Deadline => MaxDuration ?? DefaultMaxDuration;

    /// <summary>Environment variable naming the target profile when --profile is not given.</summary>
    public const string ProfileVariable = "MPSD_PROFILE";

    /// <summary>Declares the options on <paramref name="command"/>; returns how to read them from its parse.</summary>
    public static Func<ParseResult, CertifyOptions> AddTo(Command command)
    {
        var profile = new Option<string?>("--profile")
        {
            HelpName = "FILE",
            Description = $"the target profile (base URL, scid, templates, users, server); ${{VAR}} in it is read from the environment "
                + $"(default: ${ProfileVariable}, else the embedded reference server)",
        };
        var outDir = new Option<string?>("--out")
        {
            HelpName = "DIR",
            Description = "where the results go (default: reports/<run-id> in the clone, else under the current directory; reports/latest points at it)",
        };
        var filter = new Option<string?>("--filter")
        {
            HelpName = "EXPR",
            Description = "only requirements matching EXPR: an ID, a glob (PUT-*, *-412) or a ledger area (concurrency, members, ...); several separated by commas",
        };
        var knownIssues = new Option<string?>("--known-issues")
        {
            HelpName = "FILE",
            Description = """accepted failures ({"knownIssues": [{"requirement", "test"?, "reason", "link", "expires": "yyyy-MM-dd"}]}): """
                + "the run then fails only on a failure not listed, a listed failure that now passes, an entry that matched nothing, or an expired entry",
        };
        var recordMappings = new Option<string?>("--record-mappings")
        {
            HelpName = "DIR",
            Description = "also write every exchange of the run as WireMock mappings (wiremock.org JSON) into DIR/mappings/, one file per scenario, "
                + "replacing the .json files there: 'mpsd stub --mappings DIR' and Java WireMock ('--root-dir DIR') serve them",
        };
        var maxDuration = new Option<string?>("--max-duration")
        {
            HelpName = "TIME",
            Description = "the run's deadline (90s, 10m, 1h, or seconds; default 30m): past it the run stops, the scenarios not finished end "
                + "inconclusive or not-run, and the partial report is written",
        };
        command.Add(profile);
        command.Add(outDir);
        command.Add(filter);
        command.Add(knownIssues);
        command.Add(recordMappings);
        command.Add(maxDuration);
        return parsed => new CertifyOptions(
            parsed.GetValue(profile) ?? (Environment.GetEnvironmentVariable(ProfileVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null),
            parsed.GetValue(outDir),
            parsed.GetValue(filter),
            parsed.GetValue(knownIssues),
            parsed.GetValue(recordMappings),
            parsed.GetValue(maxDuration) is { } text ? ParseDuration(text) : null);
    }

    /// <summary>"90s", "10m", "1h", "1.5h" or a number of seconds; anything else, zero or negative is a usage error.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        var value = text.Trim();
        var unit = value.Length > 0 && char.IsLetter(value[^1]) ? char.ToLowerInvariant(value[^1]) : 's';
        var number = char.IsLetter(value.LastOrDefault()) ? value[..^1] : value;
        if (unit is 's' or 'm' or 'h'
            && double.TryParse(number, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var amount)
            && amount > 0 && amount <= 7 * 24 * 3600)
        {
            return TimeSpan.FromSeconds(amount * (unit switch { 'h' => 3600, 'm' => 60, _ => 1 }));
        }
        throw new UsageException($"--max-duration '{text}': write a duration such as 90s, 10m, 1h, or a number of seconds");
    }

    /// <summary>The requirement IDs the filter selects; null without a filter. A filter that selects none is a usage error.</summary>
    public HashSet<string>? Select(RequirementLedger ledger)
    {
        if (Filter is null)
        {
            return null;
        }
        var selected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in Filter.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var glob = new Regex("^" + Regex.Escape(part).Replace("\\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.IgnoreCase);
            selected.UnionWith(ledger.Requirements.Where(r => glob.IsMatch(r.Id) || string.Equals(r.Area, part, StringComparison.OrdinalIgnoreCase)).Select(r => r.Id));
        }
        return selected.Count > 0 ? selected : throw new UsageException($"--filter '{Filter}' matches no requirement ID or area of the ledger");
    }

    /// <summary>The command that reproduces the run, as the reports show it.</summary>
    /// <param name="invocation">How the user runs the tool (<see cref="Locations.Invocation"/>).</param>
    /// <param name="profileSource">The profile's full path, or null for the embedded reference server.</param>
    public string Reproduce(string invocation, string? profileSource)
    {
        var text = new StringBuilder(invocation).Append(" certify");
        if (profileSource is not null)
        {
            text.Append(" --profile ").Append(Quote(Path.GetRelativePath(Environment.CurrentDirectory, profileSource)));
        }
        if (Filter is not null)
        {
            text.Append(" --filter ").Append(Quote(Filter));
        }
        if (KnownIssuesPath is not null)
        {
            text.Append(" --known-issues ").Append(Quote(KnownIssuesPath));
        }
        return text.ToString();
    }

    private static string Quote(string value) => value.Any(c => char.IsWhiteSpace(c) || c is '*' or '"' or '\'') ? $"'{value}'" : value;
}
