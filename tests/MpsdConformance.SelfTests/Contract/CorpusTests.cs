using MpsdConformance.Contract;

namespace MpsdConformance.SelfTests.Contract;

/// <summary>
/// The real-world check: the client library's payloads in ../shared/corpus/xsapi (read in place, never
/// copied). Current PUT-session bodies must be valid requests and session documents valid responses; the
/// few that break a documented rule are listed with the exact place, so a schema change that hides or
/// moves a failure is noticed.
/// </summary>
public class CorpusTests
{
    /// <summary>Out of scope: handles, queries and RTA payloads are not session bodies.</summary>
    private static readonly string[] OutOfScope =
    [
        "request-43", "request-44", "request-45", "request-46", "request-47", "request-48", "request-49", "request-50",
        "request-51", "request-57", "response-05", "response-06", "response-07", "response-08", "response-09",
        "response-10", "response-11", "response-12", "response-48",
    ];

    /// <summary>Files that must fail, with the pointer of the (first) violation, or "not JSON", and why.</summary>
    private static readonly Dictionary<string, (string Pointer, string Why)> ExpectedFailures = new()
    {
        ["request-03"] = ("/servers/server", "the SDK test pushes the placeholder 100 through its raw-JSON setter; a server entry is an object or null"),
        ["request-27"] = ("/constants/system/measurementServerAddresses/test1_target/secureDeviceAddress", "an unused SDK fixture whose addresses are the placeholders 'test1_sda'; secureDeviceAddress is base64"),
        ["request-52"] = ("/constants/system/capabilities/crossplay", "legacy 2017 SDK bug: lowercase 'crossplay' (fixed in 2020)"),
        ["request-53"] = ("/members/me/constants/system/xuid", "legacy 2017 fixture: the xuid is the placeholder 'TestXboxUserId'"),
        ["response-23"] = ("/constants/system/initiators/0", "test placeholder 'TestXboxUserId_1' where a xuid (decimal string) belongs"),
        ["response-44"] = ("/constants", "deliberately malformed document of the SDK's tests"),
        ["response-45"] = ("/members/0/constants/system/xuid", "legacy 2017 fixture: placeholder xuid"),
        ["response-46"] = ("/members/me/constants/system/xuid", "legacy 2017 fixture: placeholder xuid, session fields nested inside members"),
        ["response-47"] = ("/membersInfo/next", "legacy 2017 tournament fixture without membersInfo.next"),
        ["response-49"] = ("not JSON", "the PUT page's response sample as published (ERRATUM-P1)"),
        ["response-50"] = ("/membersInfo", "the JSON page's legacy-shape sample: no membersInfo, numeric xuid (ERRATUM-S2)"),
        ["response-51"] = ("not JSON", "annotated structure with comments (ERRATUM-S1)"),
        ["response-52"] = ("not JSON", "json5 with comments, as published by a third party"),
    };

    public static IEnumerable<TestCaseData> CorpusFiles()
    {
        if (!Directory.Exists(Repo.Corpus))
        {
            yield break;
        }
        foreach (var path in Directory.EnumerateFiles(Repo.Corpus, "*.json").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            var key = name[..name.IndexOf('-', name.IndexOf('-', StringComparison.Ordinal) + 1)];
            if (!OutOfScope.Contains(key))
            {
                yield return new TestCaseData(key, path).SetName($"Corpus_{name}");
            }
        }
    }

    [Test]
    public void Corpus_IsBesideTheClone()
    {
        if (!Directory.Exists(Repo.Corpus))
        {
            Assert.Ignore($"the shared corpus is not beside this clone ({Repo.Corpus}); the real-world check is skipped");
        }
        Assert.That(Directory.EnumerateFiles(Repo.Corpus, "*.json").Count(), Is.EqualTo(110));
    }

    [TestCaseSource(nameof(CorpusFiles))]
    public void CorpusFile_GetsTheExpectedVerdict(string key, string path)
    {
        var kind = key.StartsWith("request", StringComparison.Ordinal) ? SchemaKind.Request : SchemaKind.Response;
        var report = ContractValidator.Shared(Repo.Schemas).ValidateFile(kind, path);
        if (!ExpectedFailures.TryGetValue(key, out var expected))
        {
            Assert.That(report.IsValid, Is.True, report.Problem ?? string.Join("; ", report.Violations));
            return;
        }
        if (expected.Pointer == "not JSON")
        {
            Assert.That(report.Problem, Does.StartWith("not JSON"), expected.Why);
            return;
        }
        Assert.That(report.Violations.Select(v => v.Pointer), Does.Contain(expected.Pointer), $"{expected.Why}; got {report.Problem ?? string.Join("; ", report.Violations)}");
    }
}
