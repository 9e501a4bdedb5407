using MpsdConformance.Reporting;
using MpsdConformance.SelfTests.Reporting;

namespace MpsdConformance.SelfTests.Mutants;

/// <summary>compliance.html's "How this suite is proven": the kill matrix of the build that made the report, or why there is none.</summary>
public class KillMatrixReportTests
{
    private static KillMatrix Sample(string ledgerSha256) => new(
        KillMatrix.CurrentSchemaVersion, "1.0.0", ledgerSha256, SampleRun.Start, 71.2, 3,
        new ControlRun(ConformanceLevel.FullyConformant, [], 2.1),
        [
            new MutantResult("me-null-ignored", "MEMBER-LEAVE-NULL", "MUST", "members.me: null is ignored: the caller stays a member", MutantOutcome.Killed,
                ["SessionLifecycle.LeaveWithMeNull_RemovesOnlyTheCaller"], [], 1.6, null),
            new MutantResult("errors-as-problem-json", "CT-ERROR-TEXT", "MUST", "error messages are sent as <application/problem+json>", MutantOutcome.Killed,
                ["Protocol.ErrorAnswers_AreTextPlain"], [new CollateralBreak("PUT-PROHIBITED-400", "SHOULD", Verdict.Warn, ["Protocol.ProhibitedTopLevelMember_Gets400_AsText"], 0)], 1.7, null),
            new MutantResult("full-off-by-one", "SESSION-FULL", "SHOULD", "a session takes one member more than maxMembersCount", MutantOutcome.Survived, [], [], 1.5, null),
        ],
        [new UnmutatedRequirement("LARGE-ME-ONLY", "not implemented by the reference server")]);

    [Test]
    public void Report_ShowsTheMatrixOfItsBuild_OneRowPerMutant()
    {
        var report = SampleRun.Build();
        var html = HtmlReport.Render(report with { Proof = Sample(report.LedgerSha256) });
        Assert.Multiple(() =>
        {
            Assert.That(html, Does.Contain("<h2 id=\"proven\">How this suite is proven</h2>"));
            Assert.That(html, Does.Contain("<strong id=\"kill-score\">2 of 3 mutants killed</strong> (kill score 67%), 1 survived, 0 with a collateral MUST failure"));
            Assert.That(html, Does.Contain("1 with a SHOULD warning besides their own"));
            Assert.That(html, Does.Contain("the unmutated reference server: fully conformant"));
            Assert.That(html, Does.Contain("<tr data-outcome=\"killed\"><td><a href=\"#requirement-MEMBER-LEAVE-NULL\"><code>MEMBER-LEAVE-NULL</code></a>"));
            Assert.That(html, Does.Contain("<tr data-outcome=\"survived\">"));
            Assert.That(html, Does.Contain("also broken: PUT-PROHIBITED-400 (warn)"));
            Assert.That(html, Does.Contain("&lt;application/problem+json&gt;"), "descriptions are escaped");
            Assert.That(html, Does.Contain("<code>LARGE-ME-ONLY</code>: not implemented by the reference server"));
            Assert.That(html, Does.Not.Contain("may be stale"));
        });
    }

    [Test]
    public void Report_SaysWhenTheMatrixWasMadeForAnotherLedger()
    {
        var report = SampleRun.Build();
        var html = HtmlReport.Render(report with { Proof = Sample("0".PadRight(64, '0')) });
        Assert.That(html, Does.Contain("this report's ledger differs: the matrix may be stale"));
    }

    [Test]
    public void Report_WithoutAMatrix_SaysSo_AndHowToMakeOne()
    {
        var html = HtmlReport.Render(SampleRun.Build());
        Assert.That(html, Does.Contain("No kill matrix ships with this build").And.Contain("./mpsd selftest mutants --out schemas"));
    }
}
