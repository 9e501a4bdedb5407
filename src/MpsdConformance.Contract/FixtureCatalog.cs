using System.Text.Json;

namespace MpsdConformance.Contract;

/// <summary>One fixture and what the contract must say about it.</summary>
/// <param name="Kind">The schema it is checked against.</param>
/// <param name="RelativePath">Path below the fixtures folder, with forward slashes.</param>
/// <param name="FullPath">Path on disk.</param>
/// <param name="ExpectValid">True when the payload must pass.</param>
/// <param name="Pointer">For an invalid payload: the one JSON Pointer every violation must name.</param>
/// <param name="Requirement">For an invalid payload: the ledger ID the violation must carry.</param>
/// <param name="Rule">For an invalid payload: the rule it breaks, in words.</param>
/// <param name="Problem">For a payload that is not JSON at all: how the problem message must start.</param>
/// <param name="Accepted">For an invalid body: how a conformant target may accept it instead of refusing it (the readings allowing it).</param>
public sealed record FixtureCase(
    SchemaKind Kind,
    string RelativePath,
    string FullPath,
    bool ExpectValid,
    string? Pointer = null,
    string? Requirement = null,
    string? Rule = null,
    string? Problem = null,
    IReadOnlyList<AcceptedOutcome>? Accepted = null)
{
    /// <summary>Readable test name.</summary>
    public override string ToString() => RelativePath;

    /// <summary>Checks the fixture; <paramref name="detail"/> says what was found.</summary>
    public bool Check(IPayloadValidator validator, out string detail)
    {
        var report = PayloadText.TryRead(FullPath, out var text, out var readProblem)
            ? validator.Validate(Kind, text)
            : new ValidationReport(Kind, readProblem, [], []);
        if (ExpectValid)
        {
            detail = report.IsValid
                ? "valid"
                : $"expected valid, got {(report.Problem ?? string.Join("; ", report.Violations))}";
            return report.IsValid;
        }
        if (Problem is not null)
        {
            var ok = report.Problem?.StartsWith(Problem, StringComparison.Ordinal) == true;
            detail = ok ? $"refused as expected: {report.Problem}" : $"expected the problem '{Problem}...', got {report.Problem ?? "a parsed document"}";
            return ok;
        }
        if (report.Problem is not null)
        {
            detail = $"expected a violation at {Pointer}, got: {report.Problem}";
            return false;
        }
        if (report.Violations.Count == 0)
        {
            detail = $"expected a violation at {Pointer} ({Rule}), but the payload is valid";
            return false;
        }
        var elsewhere = report.Violations.Where(v => v.Pointer != Pointer).ToList();
        if (elsewhere.Count > 0)
        {
            detail = $"expected every violation at {Pointer}, also got: {string.Join("; ", elsewhere)}";
            return false;
        }
        if (Requirement is not null && !report.Violations.Any(v => v.Requirements.Contains(Requirement)))
        {
            detail = $"expected requirement {Requirement}, got: {string.Join("; ", report.Violations)}";
            return false;
        }
        detail = $"fails as expected at {SchemaViolation.Printable(Pointer ?? "")} [{Requirement}]";
        return true;
    }
}

/// <summary>
/// The fixtures folder: <c>KIND/valid/*.json</c> must pass, <c>KIND/invalid/*.json</c> must fail as
/// <c>KIND/expected-failures.json</c> says, and <c>docs/expectations.json</c> describes the doc samples.
/// </summary>
public sealed class FixtureCatalog
{
    private FixtureCatalog(IReadOnlyList<FixtureCase> cases, IReadOnlyList<string> problems)
    {
        Cases = cases;
        Problems = problems;
    }

    /// <summary>Every fixture with its expectation.</summary>
    public IReadOnlyList<FixtureCase> Cases { get; }

    /// <summary>Inconsistencies of the catalog itself: a file without expectation, an expectation without file.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>Reads the catalog below <paramref name="fixturesDirectory"/>.</summary>
    public static FixtureCatalog Load(string fixturesDirectory)
    {
        var cases = new List<FixtureCase>();
        var problems = new List<string>();
        foreach (var kind in SchemaKinds.All)
        {
            var kindDir = Path.Combine(fixturesDirectory, kind.Name());
            foreach (var file in JsonFiles(Path.Combine(kindDir, "valid")))
            {
                cases.Add(new FixtureCase(kind, Relative(fixturesDirectory, file), file, ExpectValid: true));
            }
            var manifestPath = Path.Combine(kindDir, "expected-failures.json");
            var manifest = File.Exists(manifestPath)
                ? ReadObject(manifestPath)
                : new Dictionary<string, JsonElement>();
            var invalidDir = Path.Combine(kindDir, "invalid");
            foreach (var file in JsonFiles(invalidDir))
            {
                var name = Path.GetRelativePath(invalidDir, file).Replace('\\', '/');
                if (!manifest.TryGetValue(name, out var entry))
                {
                    problems.Add($"{Relative(fixturesDirectory, file)} has no entry in {kind.Name()}/expected-failures.json");
                    continue;
                }
                cases.Add(new FixtureCase(kind, Relative(fixturesDirectory, file), file, ExpectValid: false,
                    Pointer: Text(entry, "pointer") ?? "",
                    Requirement: Text(entry, "requirement"),
                    Rule: Text(entry, "rule"),
                    Accepted: AcceptedOutcomes(entry)));
            }
            foreach (var name in manifest.Keys.Where(n => !File.Exists(Path.Combine(invalidDir, n))))
            {
                problems.Add($"{kind.Name()}/expected-failures.json names {name}, which is not in {kind.Name()}/invalid/");
            }
        }
        var docsDir = Path.Combine(fixturesDirectory, "docs");
        var docsManifest = Path.Combine(docsDir, "expectations.json");
        if (File.Exists(docsManifest))
        {
            foreach (var (name, entry) in ReadObject(docsManifest))
            {
                var file = Path.Combine(docsDir, name);
                if (!File.Exists(file))
                {
                    problems.Add($"docs/expectations.json names {name}, which is not in docs/");
                    continue;
                }
                if (!SchemaKinds.TryParse(Text(entry, "kind"), out var kind))
                {
                    problems.Add($"docs/expectations.json: {name} has no valid kind");
                    continue;
                }
                var valid = entry.TryGetProperty("valid", out var v) && v.ValueKind == JsonValueKind.True;
                cases.Add(new FixtureCase(kind, "docs/" + name, file, valid,
                    Pointer: Text(entry, "pointer"), Requirement: Text(entry, "requirement"),
                    Rule: Text(entry, "note"), Problem: Text(entry, "problem")));
            }
        }
        return new FixtureCatalog(cases, problems);
    }

    private static IEnumerable<string> JsonFiles(string directory) =>
        Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : [];

    private static string Relative(string root, string file) => Path.GetRelativePath(root, file).Replace('\\', '/');

    private static Dictionary<string, JsonElement> ReadObject(string path)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
    }

    // "accepted": [{"effect", "location", "readings": ["REQ=reading", ...]}]: how a conformant target may accept the body.
    private static List<AcceptedOutcome> AcceptedOutcomes(JsonElement entry) =>
        entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("accepted", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray()
                .Select(a => new AcceptedOutcome(Text(a, "effect") ?? "", Text(a, "location") ?? "",
                    a.TryGetProperty("readings", out var r) && r.ValueKind == JsonValueKind.Array ? r.EnumerateArray().Select(x => x.GetString() ?? "").ToList() : []))
                .ToList()
            : [];

    private static string? Text(JsonElement entry, string name) =>
        entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
