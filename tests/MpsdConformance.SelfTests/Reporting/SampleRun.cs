using MpsdConformance.Contract;
using MpsdConformance.Reporting;

namespace MpsdConformance.SelfTests.Reporting;

/// <summary>A small, fixed run (times, ids and versions pinned) for snapshot tests of the generators.</summary>
internal static class SampleRun
{
    public static readonly DateTimeOffset Start = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    public static RunReport Build()
    {
        var ledger = RequirementLedger.Load(Repo.Schemas);
        Exchange Put(int status, string reason, string body) => new(Start.AddSeconds(1), "PUT",
            "http://127.0.0.1:5080/serviceconfigs/8e9a0f52-6e6b-4c1a-9d2e-1b7c3f0a5d11/sessiontemplates/quick/sessions/mpsdc-1",
            [new("Authorization", Redactor.Mask), new("X-Xbl-Contract-Version", "107")], """{"members":{"me":{}}}""",
            status, reason, [new("Content-Type", "application/json; charset=utf-8")], body, 3.5, null, "alice");
        var results = new List<ScenarioResult>
        {
            new("Create_ByJoining_Returns201", "MpsdConformance.Scenarios.SessionLifecycle.Create_ByJoining_Returns201", ["PUT-CREATE-201"], Outcome.Passed, null, 12,
                [Put(201, "Created", """{"membersInfo":{"first":0}}""")], [], [], []),
            new("Update_Returns200_WithANewETag", "MpsdConformance.Scenarios.SessionLifecycle.Update_Returns200_WithANewETag", ["ETAG-PRESENT"], Outcome.Failed,
                "a session answer carries an ETag\n  → PUT http://127.0.0.1:5080/...\n  ← 200 OK", 20, [Put(200, "OK", "{}")],
                [new ContractFinding("ETAG-PRESENT", "200 with a session but no ETag header", "http://127.0.0.1:5080/x")], [], []),
            new("GetOfAMissingSession_Returns204Or404", "MpsdConformance.Scenarios.Protocol.GetOfAMissingSession_Returns204Or404", ["GET-MISSING"], Outcome.Passed, null, 5,
                [], [], [new ObservedReading("GET-MISSING", "404")], []),
            new("ProhibitedTopLevelMember_Gets400_AsText", "MpsdConformance.Scenarios.Protocol.ProhibitedTopLevelMember_Gets400_AsText", ["PUT-PROHIBITED-400"], Outcome.Failed,
                "expected 400 BadRequest <script>alert(1)</script>", 7, [Put(200, "OK", "<b>not escaped?</b>")], [], [], []),
            new("ServerPrincipal_RemovesAMemberByIndex", "MpsdConformance.Scenarios.Members.ServerPrincipal_RemovesAMemberByIndex", ["MEMBER-DELETE-INDEX"], Outcome.NotApplicable,
                "not-applicable: the target profile names no server principal", 0, [], [], [], []),
        };
        var verdict = RunVerdict.Judge(ledger, results);
        return new RunReport("20261123-100000-abcd", "1.0.0", "0000000", "f".PadRight(64, 'f'),
            new TargetInfo("http://127.0.0.1:5080/", "8e9a0f52-6e6b-4c1a-9d2e-1b7c3f0a5d11", 107, "sample"),
            Start, Start.AddSeconds(3), "./mpsd certify --profile sample.json", ledger, verdict, results);
    }
}
