using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MpsdConformance.Results;

namespace MpsdConformance.Reporting;

/// <summary>
/// Allure result files written by the project itself (Allure.NUnit cannot be restored here), in Allure's
/// documented results format: one <c>{uuid}-result.json</c> per scenario, a step per HTTP exchange with the
/// redacted exchange attached, labels by area and level, the requirement IDs as tags and links.
/// </summary>
public static class AllureWriter
{
    private static readonly JsonSerializerOptions Options = ReportJson.Options;

    public static void Write(RunReport report, string resultsDirectory)
    {
        Directory.CreateDirectory(resultsDirectory);
        foreach (var result in report.Results)
        {
            var uuid = Uuid(report.RunId + "|" + result.FullName);
            var requirements = result.Requirements.Select(id => report.Ledger.Find(id)).Where(r => r is not null).ToList();
            var primary = requirements.FirstOrDefault();
            var start = report.Started.ToUnixTimeMilliseconds();
            var steps = new List<object>();
            var index = 0;
            foreach (var exchange in result.Exchanges)
            {
                var source = $"{uuid}-{index++:D3}-attachment.txt";
                File.WriteAllText(Path.Combine(resultsDirectory, source), ReportText.Plain(exchange.Describe(maxBody: 20_000)));
                var stepStart = exchange.Started.ToUnixTimeMilliseconds();
                steps.Add(new
                {
                    name = $"{exchange.Method} {PathOf(exchange.Url)} → {(exchange.Status is { } s ? s.ToString(System.Globalization.CultureInfo.InvariantCulture) : "no answer")}",
                    status = exchange.Error is null ? "passed" : "broken",
                    stage = "finished",
                    start = stepStart,
                    stop = stepStart + (long)exchange.ElapsedMs,
                    attachments = new[] { new { name = $"{exchange.Method} exchange (as {exchange.Caller})", source, type = "text/plain" } },
                    steps = Array.Empty<object>(),
                });
                start = Math.Min(start, stepStart);
            }
            var document = new
            {
                uuid,
                historyId = Hex(MD5.HashData(Encoding.UTF8.GetBytes(result.FullName))),
                testCaseId = Hex(MD5.HashData(Encoding.UTF8.GetBytes(result.FullName))),
                name = result.Name,
                fullName = result.FullName,
                description = string.Join("\n", requirements.Select(r => $"{r!.Id} ({r.Level}): {r.Statement}")),
                status = Status(result.Outcome),
                statusDetails = result.Message is null ? null : new { message = result.Message, trace = (string?)null },
                stage = "finished",
                start,
                stop = start + (long)result.DurationMs,
                labels = Labels(result, primary, requirements!),
                links = requirements.Select(r => new { name = r!.Id, url = $"#requirement-{r.Id}", type = "tms" }),
                parameters = Array.Empty<object>(),
                steps,
                attachments = Array.Empty<object>(),
            };
            File.WriteAllText(Path.Combine(resultsDirectory, $"{uuid}-result.json"), JsonSerializer.Serialize(document, Options));
        }
        File.WriteAllText(Path.Combine(resultsDirectory, "environment.properties"),
            $"target={Property(report.Target.BaseUrl)}\ncontractVersion={report.Target.ContractVersion}\ntool={report.ToolVersion}\ncommit={report.Commit}\nledger={report.LedgerSha256}\nlevel={Words.Of(report.Verdict.Level)}\n"
            + (report.StopReason is null ? "" : $"complete=false\nstopReason={Property(report.StopReason)}\n"));
        File.WriteAllText(Path.Combine(resultsDirectory, "executor.json"), JsonSerializer.Serialize(new
        {
            name = "mpsd certify",
            type = "mpsd-conformance",
            buildName = report.RunId,
        }, Options));
    }

    private static object[] Labels(ScenarioResult result, Contract.Requirement? primary, List<Contract.Requirement?> requirements)
    {
        var labels = new List<object>
        {
            new { name = "epic", value = "MPSD session API" },
            new { name = "feature", value = primary?.Area ?? "other" },
            new { name = "story", value = primary?.Id ?? result.Name },
            new { name = "severity", value = primary?.Level switch { "MUST" => "critical", "SHOULD" => "normal", "MAY" => "minor", _ => "normal" } },
            new { name = "suite", value = JUnitWriter.ClassName(result).Split('.').Last() },
            new { name = "framework", value = "nunit" },
            new { name = "language", value = "csharp" },
        };
        labels.AddRange(requirements.Select(r => (object)new { name = "tag", value = r!.Id }));
        return labels.ToArray();
    }

    private static string Status(Outcome outcome) => outcome switch
    {
        Outcome.Passed => "passed",
        Outcome.Failed => "failed",
        Outcome.Error => "broken",
        _ => "skipped",
    };

    private static string Property(string text) => ReportText.Plain(text).Replace("\r", "", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string PathOf(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.PathAndQuery : url;

    private static string Uuid(string seed)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(seed))[..16];
        return new Guid(bytes).ToString();
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}
