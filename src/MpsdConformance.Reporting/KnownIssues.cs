using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MpsdConformance.Results;

namespace MpsdConformance.Reporting;

/// <summary>An accepted failure: a requirement (and optionally one scenario) with why, where it is tracked, and until when.</summary>
public sealed record KnownIssue(string Requirement, string? Test, string Reason, string Link, DateOnly Expires);

/// <summary>What the gate found.</summary>
public sealed record GateResult(bool Passed, IReadOnlyList<string> Problems, IReadOnlyList<string> PasteReady);

/// <summary>
/// The CI gate over a known-issues file: the run fails on a failure not listed, on a listed failure that
/// now passes, on an entry that matched nothing, and on an expired entry.
/// </summary>
public static class KnownIssues
{
    /// <summary>Reads the file; errors name the entry and the field.</summary>
    public static IReadOnlyList<KnownIssue> Load(string path)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            throw new KnownIssuesException($"known issues {path}: cannot be read: {e.Message}");
        }
        if (root is not JsonObject { } document || document["knownIssues"] is not JsonArray entries)
        {
            throw new KnownIssuesException($"known issues {path}: write {{\"knownIssues\": [{{\"requirement\", \"reason\", \"link\", \"expires\"}}]}}");
        }
        var issues = new List<KnownIssue>();
        for (var i = 0; i < entries.Count; i++)
        {
            string Field(string name, bool required = true)
            {
                var value = entries[i]?[name] is JsonValue v && v.TryGetValue(out string? text) && text.Length > 0 ? text : null;
                return value ?? (required ? throw new KnownIssuesException($"known issues {path}: knownIssues[{i}].{name} is required") : null!);
            }
            var expires = Field("expires");
            if (!DateOnly.TryParseExact(expires, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                throw new KnownIssuesException($"known issues {path}: knownIssues[{i}].expires is '{expires}': write a date as yyyy-MM-dd");
            }
            issues.Add(new KnownIssue(Field("requirement"), Field("test", required: false), Field("reason"), Field("link"), date));
        }
        return issues;
    }

    public static GateResult Evaluate(IReadOnlyList<KnownIssue> issues, RunReport report, DateOnly today, ISet<string>? selected = null)
    {
        var problems = new List<string>();
        var paste = new List<string>();
        var verdicts = report.Verdict.Requirements.ToDictionary(r => r.Id);
        bool InRun(string id) => selected is null || selected.Contains(id);
        foreach (var issue in issues.Where(i => InRun(i.Requirement) || !verdicts.ContainsKey(i.Requirement)))
        {
            var name = issue.Test is null ? issue.Requirement : $"{issue.Requirement} / {issue.Test}";
            if (issue.Expires < today)
            {
                problems.Add($"known issue {name} expired on {issue.Expires:yyyy-MM-dd}: fix it or renew the entry ({issue.Link})");
                continue;
            }
            if (!verdicts.TryGetValue(issue.Requirement, out var verdict)
                || (issue.Test is not null && !report.ResultsFor(issue.Requirement).Any(r => Matches(r, issue.Test))))
            {
                problems.Add($"known issue {name} matched nothing in this run: remove this entry or correct it");
                continue;
            }
            var failing = issue.Test is null
                ? verdict.Verdict.IsBroken()
                : report.ResultsFor(issue.Requirement).Any(r => Matches(r, issue.Test) && r.Outcome.IsFailure());
            if (!failing)
            {
                problems.Add($"known issue {name} now passes: remove this entry");
            }
        }
        foreach (var broken in report.Verdict.Requirements.Where(r => r.Verdict.IsBroken() && InRun(r.Id)))
        {
            var listed = issues.Any(i => i.Requirement == broken.Id && i.Expires >= today
                && (i.Test is null || report.ResultsFor(broken.Id).Where(r => r.Outcome.IsFailure()).All(r => Matches(r, i.Test))));
            if (listed)
            {
                continue;
            }
            problems.Add($"{Words.Of(broken.Verdict)} {broken.Id} ({broken.Level}) is not a known issue");
            paste.Add(JsonSerializer.Serialize(new
            {
                requirement = broken.Id,
                reason = "TODO: why this failure is accepted",
                link = "TODO: the issue tracking the fix",
                expires = today.AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            }));
        }
        return new GateResult(problems.Count == 0, problems, paste);
    }

    private static bool Matches(ScenarioResult result, string test) =>
        result.Name == test || result.FullName == test || result.FullName.EndsWith("." + test, StringComparison.Ordinal);
}

/// <summary>A known-issues file that cannot be used.</summary>
public sealed class KnownIssuesException(string message) : Exception(message);
