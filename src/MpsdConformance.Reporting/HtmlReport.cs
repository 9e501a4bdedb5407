using System.Globalization;
using System.Text;

namespace MpsdConformance.Reporting;

/// <summary>
/// compliance.html: one self-contained file (no external script, font or image) a person can open from
/// disk or as a CI artifact.
/// </summary>
public static class HtmlReport
{

    public static string Render(RunReport report)
    {
        var v = report.Verdict;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append("<title>MPSD compliance report: ").Append(E(report.Target.BaseUrl)).Append("</title>\n<style>").Append(Css).Append("</style>\n</head>\n<body>\n");
        html.Append("<header>\n<h1>MPSD compliance report</h1>\n");
        if (report.StopReason is not null)
        {
            html.Append("<p id=\"partial\" role=\"alert\" style=\"background:#fdecea;border:1px solid #c62828;padding:.5rem .8rem\"><strong>Partial run:</strong> ").Append(E(report.StopReason))
                .Append(". The scenarios it did not finish are inconclusive or not-run.</p>\n");
        }
        html.Append("<p class=\"target\">Target <code>").Append(E(report.Target.BaseUrl)).Append("</code> · scid <code>").Append(E(report.Target.Scid))
            .Append("</code> · contract ").Append(report.Target.ContractVersion).Append(" · ").Append(E(report.Target.Source)).Append("</p>\n");
        html.Append("<p><span id=\"level-badge\" class=\"badge level-").Append(Slug(Words.Of(v.Level))).Append("\">").Append(E(Words.Of(v.Level))).Append("</span></p>\n");
        html.Append("<ul id=\"counts\" class=\"counts\">");
        foreach (var (verdict, count) in v.Counts)
        {
            var word = Words.Of(verdict);
            html.Append("<li class=\"v-").Append(word).Append("\"><span id=\"count-").Append(word).Append("\" class=\"n\">")
                .Append(count).Append("</span> ").Append(word).Append("</li>");
        }
        html.Append("</ul>\n");
        html.Append("<p class=\"meta\">Run <code>").Append(E(report.RunId)).Append("</code>, ").Append(Time(report.Started)).Append(" to ").Append(Time(report.Finished))
            .Append(" · ").Append(report.Results.Count).Append(" scenarios, ").Append(report.Results.Sum(r => r.Exchanges.Count)).Append(" requests · mpsd-conformance ")
            .Append(E(report.ToolVersion)).Append(" (").Append(E(report.Commit)).Append(") · ledger sha256 <code>").Append(E(report.LedgerSha256[..12])).Append("</code></p>\n</header>\n");

        html.Append("<nav class=\"filters\">\n<label><input type=\"checkbox\" id=\"filter-failed\"> failed only</label>\n");
        html.Append("<label>level <select id=\"filter-level\"><option value=\"\">all</option><option>MUST</option><option>SHOULD</option><option>MAY</option></select></label>\n");
        html.Append("<label>verdict <select id=\"filter-verdict\"><option value=\"\">all</option>");
        foreach (var verdict in Enum.GetValues<Verdict>().Select(Words.Of))
        {
            html.Append("<option>").Append(verdict).Append("</option>");
        }
        html.Append("</select></label>\n<span id=\"shown\"></span>\n</nav>\n");

        html.Append("<main>\n<h2>Requirements</h2>\n<table id=\"requirements\">\n<thead><tr><th>Requirement</th><th>Level</th><th>Statement</th><th>Verdict</th></tr></thead>\n");
        foreach (var area in v.Requirements.GroupBy(r => r.Area))
        {
            html.Append("<tbody class=\"area\" data-area=\"").Append(E(area.Key)).Append("\">\n<tr class=\"area-title\"><th colspan=\"4\">").Append(E(area.Key)).Append("</th></tr>\n");
            foreach (var r in area)
            {
                html.Append("<tr class=\"requirement\" id=\"requirement-").Append(E(r.Id)).Append("\" data-verdict=\"").Append(Words.Of(r.Verdict)).Append("\" data-level=\"").Append(r.Level).Append("\">");
                html.Append("<td><code>").Append(E(r.Id)).Append("</code></td><td>").Append(r.Level).Append("</td><td>").Append(E(r.Statement));
                if (r.Readings.Count > 0)
                {
                    html.Append("<div class=\"reading\">reading chosen: ").Append(E(string.Join(", ", r.Readings))).Append("</div>");
                }
                if (r.Verdict.IsBroken())
                {
                    html.Append(Failure(report, r));
                }
                html.Append("</td><td><span class=\"badge v-").Append(Words.Of(r.Verdict)).Append("\">").Append(Words.Of(r.Verdict)).Append("</span></td></tr>\n");
            }
            html.Append("</tbody>\n");
        }
        html.Append("</table>\n");

        var readings = v.Requirements.Where(r => r.Readings.Count > 0).ToList();
        html.Append("<h2 id=\"observations\">Observations: readings the target chose</h2>\n");
        html.Append(readings.Count == 0 ? "<p>None recorded.</p>\n" : "<ul>\n" + string.Concat(readings.Select(r =>
            $"<li><code>{E(r.Id)}</code>: {E(string.Join(", ", r.Readings))} <span class=\"muted\">({E(Summary(report, r.Id))})</span></li>\n")) + "</ul>\n");

        var uncovered = report.Ledger.Requirements.Where(r => r.Coverage.State != "covered").ToList();
        html.Append("<h2 id=\"coverage\">Ledger coverage</h2>\n<p>").Append(report.Ledger.Requirements.Count - uncovered.Count).Append(" of ")
            .Append(report.Ledger.Requirements.Count).Append(" requirements are checked by a scenario. Without a test:</p>\n<ul>\n");
        foreach (var r in uncovered)
        {
            html.Append("<li><code>").Append(E(r.Id)).Append("</code> (").Append(r.Coverage.State).Append("): ").Append(E(r.Coverage.Reason ?? "no reason recorded")).Append("</li>\n");
        }
        html.Append("</ul>\n");
        html.Append(Proven(report));

        html.Append("<h2 id=\"errata\">Doc errata</h2>\n<ul>\n");
        foreach (var erratum in report.Ledger.Errata)
        {
            html.Append("<li><code>").Append(E(erratum.Id)).Append("</code> ").Append(E(erratum.Summary)).Append("</li>\n");
        }
        html.Append("</ul>\n");
        html.Append("<h2 id=\"reproduce\">Reproduce</h2>\n<pre><code>").Append(E(report.Command)).Append("</code></pre>\n</main>\n");
        html.Append("<script>").Append(Script).Append("</script>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static string Failure(RunReport report, RequirementVerdict r)
    {
        var text = new StringBuilder();
        text.Append("<details class=\"failure\"><summary>").Append(r.Problems.Count).Append(" problem(s): show the evidence</summary>\n");
        foreach (var problem in r.Problems)
        {
            text.Append("<p class=\"problem\">").Append(E(problem)).Append("</p>\n");
        }
        foreach (var result in report.ResultsFor(r.Id).Where(t => t.Outcome.IsFailure())
                     .Concat(report.Results.Where(t => t.Findings.Any(f => f.Requirement == r.Id))).Distinct().Take(3))
        {
            text.Append("<h4>").Append(E(result.Name)).Append("</h4>\n");
            if (result.Message is { } message)
            {
                text.Append("<pre class=\"message\">").Append(E(message)).Append("</pre>\n");
            }
            foreach (var exchange in result.Exchanges)
            {
                text.Append("<pre class=\"exchange\">").Append(E(exchange.Describe(maxBody: 2000))).Append("</pre>\n");
            }
        }
        return text.Append("</details>").ToString();
    }

    /// <summary>"How this suite is proven": the kill matrix of the build that made the report, or why there is none.</summary>
    private static string Proven(RunReport report)
    {
        var text = new StringBuilder("<h2 id=\"proven\">How this suite is proven</h2>\n");
        if (report.Proof is not { } matrix)
        {
            return text.Append("<p>No kill matrix ships with this build (<code>kill-matrix.json</code> is missing beside its schemas), so this report cannot show ")
                .Append("how the suite itself is proven. In a clone, <code>./mpsd selftest mutants --out schemas</code> writes it.</p>\n").ToString();
        }
        var collateral = matrix.Mutants.Count(m => m.Collateral.Count > 0);
        text.Append("<p>The suite is proven both ways: the reference server passes every requirement, and for each requirement a mutant of the ")
            .Append("reference server that breaks exactly that one must fail it through a scenario naming it, with no other MUST failing. ")
            .Append("The kill matrix of this build: <strong id=\"kill-score\">").Append(matrix.Killed).Append(" of ").Append(matrix.Mutants.Count)
            .Append(" mutants killed</strong> (kill score ").Append((matrix.KillScore * 100).ToString("F0", CultureInfo.InvariantCulture)).Append("%), ")
            .Append(matrix.Survived).Append(" survived, ").Append(matrix.WithCollateralMust).Append(" with a collateral MUST failure")
            .Append(collateral > matrix.WithCollateralMust ? $", {collateral - matrix.WithCollateralMust} with a SHOULD warning besides their own" : "")
            .Append("; the unmutated reference server: ").Append(matrix.Control is { } control ? E(Words.Of(control.Level)) : "not run").Append(". ")
            .Append("Generated ").Append(Time(matrix.Generated)).Append(" by mpsd-conformance ").Append(E(matrix.ToolVersion)).Append(" in ")
            .Append(matrix.Seconds.ToString("F0", CultureInfo.InvariantCulture)).Append(" s (").Append(matrix.Lanes).Append(" at a time), for ledger sha256 <code>")
            .Append(E(matrix.LedgerSha256[..Math.Min(12, matrix.LedgerSha256.Length)])).Append("</code>")
            .Append(matrix.LedgerSha256 == report.LedgerSha256 ? "" : " <strong>(this report's ledger differs: the matrix may be stale)</strong>")
            .Append(". Regenerate with <code>./mpsd selftest mutants --out schemas</code>.</p>\n");
        text.Append("<table id=\"kill-matrix\">\n<thead><tr><th>Requirement</th><th>Level</th><th>Mutant</th><th>Result</th><th>Killed by</th></tr></thead>\n<tbody>\n");
        foreach (var m in matrix.Mutants)
        {
            var outcome = m.Outcome == MutantOutcome.Killed ? (m.HasCollateralMust ? "collateral" : "killed") : m.Outcome == MutantOutcome.Survived ? "survived" : "error";
            text.Append("<tr data-outcome=\"").Append(outcome).Append("\"><td><a href=\"#requirement-").Append(E(m.Requirement)).Append("\"><code>").Append(E(m.Requirement))
                .Append("</code></a></td><td>").Append(E(m.Level)).Append("</td><td><code>").Append(E(m.Name)).Append("</code>: ").Append(E(m.Description))
                .Append("</td><td><span class=\"badge v-").Append(outcome == "killed" ? "pass" : "fail").Append("\">").Append(outcome).Append("</span></td><td>")
                .Append(string.Join("<br>", m.KilledBy.Select(E)));
            if (m.Collateral.Count > 0)
            {
                text.Append("<div class=\"muted\">also broken: ").Append(E(string.Join(", ", m.Collateral.Select(c => $"{c.Requirement} ({Words.Of(c.Verdict)})")))).Append("</div>");
            }
            if (m.Error is { } error)
            {
                text.Append("<div class=\"muted\">").Append(E(error)).Append("</div>");
            }
            text.Append("</td></tr>\n");
        }
        text.Append("</tbody>\n</table>\n");
        if (matrix.Unmutated.Count > 0)
        {
            text.Append("<p>Covered requirements without a mutant:</p>\n<ul>\n");
            foreach (var u in matrix.Unmutated)
            {
                text.Append("<li><code>").Append(E(u.Requirement)).Append("</code>: ").Append(E(u.Reason)).Append("</li>\n");
            }
            text.Append("</ul>\n");
        }
        return text.ToString();
    }

    private static string Summary(RunReport report, string id) => report.Ledger.Find(id)?.Ambiguity?.Summary ?? "";

    public static void Write(RunReport report, string directory) => File.WriteAllText(Path.Combine(directory, "compliance.html"), Render(report));

    private static string E(string? text) => ReportText.Html(text);

    private static string Slug(string text) => text.Replace(' ', '-').ToLowerInvariant();

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private const string Css = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 2rem 3rem;color:#1d2330;background:#fff}
        h1{margin:1.2rem 0 .3rem;font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #dde;padding-bottom:.2rem}
        code{font:12.5px ui-monospace,SFMono-Regular,Menlo,monospace}.muted,.meta{color:#5b6475}
        .badge{display:inline-block;padding:.15rem .55rem;border-radius:.8rem;font-weight:600;font-size:12px;white-space:nowrap}
        #level-badge{font-size:16px;padding:.3rem .9rem}
        .level-fully-conformant{background:#1f883d;color:#fff}.level-must-conformant{background:#bf8700;color:#fff}.level-non-conformant{background:#cf222e;color:#fff}
        .v-pass{background:#dafbe1;color:#116329}.v-fail{background:#ffebe9;color:#a40e26}.v-warn{background:#fff8c5;color:#7d4e00}
        .v-not-applicable,.v-not-run{background:#eaeef2;color:#424a53}.v-inconclusive{background:#ddf4ff;color:#0a3069}
        .counts{list-style:none;display:flex;gap:.6rem;padding:0;flex-wrap:wrap}.counts li{padding:.3rem .7rem;border-radius:.4rem}.counts .n{font-weight:700;font-size:16px}
        .filters{position:sticky;top:0;background:#f6f8fa;padding:.5rem .8rem;border:1px solid #dde;border-radius:.4rem;display:flex;gap:1.2rem;align-items:center}
        table{border-collapse:collapse;width:100%;margin-top:.5rem}th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid #eef}
        .area-title th{background:#f6f8fa;text-transform:capitalize;padding-top:.8rem}
        details.failure{margin-top:.4rem}details.failure summary{cursor:pointer;color:#a40e26;font-weight:600}
        pre{background:#f6f8fa;border:1px solid #dde;border-radius:.3rem;padding:.5rem;overflow:auto;white-space:pre-wrap;font-size:12px}
        .problem{margin:.3rem 0;color:#57606a}.reading{color:#0a3069;font-size:12.5px;margin-top:.2rem}
        tr.hidden,tbody.hidden{display:none}
        """;

    private const string Script = """
        (function(){
          var failed=document.getElementById('filter-failed'),level=document.getElementById('filter-level'),verdict=document.getElementById('filter-verdict');
          function apply(){
            var shown=0;
            document.querySelectorAll('tbody.area').forEach(function(body){
              var any=false;
              body.querySelectorAll('tr.requirement').forEach(function(row){
                var v=row.getAttribute('data-verdict'),l=row.getAttribute('data-level');
                var ok=(!failed.checked||v==='fail'||v==='warn')&&(!level.value||l===level.value)&&(!verdict.value||v===verdict.value);
                row.classList.toggle('hidden',!ok);if(ok){any=true;shown++;}
              });
              body.classList.toggle('hidden',!any);
            });
            document.getElementById('shown').textContent=shown+' requirement(s) shown';
          }
          [failed,level,verdict].forEach(function(e){e.addEventListener('change',apply);});
          apply();
        })();
        """;
}
