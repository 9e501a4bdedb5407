using System.Globalization;
using System.Xml.Linq;

namespace MpsdConformance.Reporting;

/// <summary>junit.xml for CI systems: one testcase per scenario, failures with the same explaining message.</summary>
public static class JUnitWriter
{
    public static XDocument Build(RunReport report)
    {
        var results = report.Results;
        var suites = results.GroupBy(ClassName);
        return new XDocument(new XElement("testsuites",
            new XAttribute("name", "MPSD conformance"),
            new XAttribute("tests", results.Count),
            new XAttribute("failures", results.Count(r => r.Outcome == Outcome.Failed)),
            new XAttribute("errors", results.Count(r => r.Outcome == Outcome.Error)),
            new XAttribute("skipped", results.Count(r => r.Outcome is Outcome.NotApplicable or Outcome.Skipped or Outcome.Inconclusive or Outcome.NotRun)),
            new XAttribute("time", Seconds(results.Sum(r => r.DurationMs))),
            report.StopReason is null ? null : new XElement("properties",
                new XElement("property", new XAttribute("name", "complete"), new XAttribute("value", "false")),
                new XElement("property", new XAttribute("name", "stopReason"), new XAttribute("value", X(report.StopReason)))),
            report.StopReason is null ? null : new XElement("system-out", X($"partial run: {report.StopReason}")),
            suites.OrderBy(s => s.Key, StringComparer.Ordinal).Select(suite => new XElement("testsuite",
                new XAttribute("name", X(suite.Key)),
                new XAttribute("tests", suite.Count()),
                new XAttribute("failures", suite.Count(r => r.Outcome == Outcome.Failed)),
                new XAttribute("errors", suite.Count(r => r.Outcome == Outcome.Error)),
                new XAttribute("skipped", suite.Count(r => r.Outcome is Outcome.NotApplicable or Outcome.Skipped or Outcome.Inconclusive or Outcome.NotRun)),
                new XAttribute("time", Seconds(suite.Sum(r => r.DurationMs))),
                suite.OrderBy(r => r.FullName, StringComparer.Ordinal).Select(TestCase)))));
    }

    private static XElement TestCase(ScenarioResult result)
    {
        var element = new XElement("testcase",
            new XAttribute("name", X(result.Name)),
            new XAttribute("classname", X(ClassName(result))),
            new XAttribute("time", Seconds(result.DurationMs)),
            new XElement("properties", result.Requirements.Select(id => new XElement("property", new XAttribute("name", "requirement"), new XAttribute("value", X(id))))));
        switch (result.Outcome)
        {
            case Outcome.Failed:
                element.Add(new XElement("failure", new XAttribute("message", X(FirstLine(result.Message))), X(result.Message)));
                break;
            case Outcome.Error:
                element.Add(new XElement("error", new XAttribute("message", X(FirstLine(result.Message))), X(result.Message)));
                break;
            case Outcome.Passed:
                break;
            default:
                element.Add(new XElement("skipped", new XAttribute("message", X($"{Words.Of(result.Outcome)}: {FirstLine(result.Message)}"))));
                break;
        }
        return element;
    }

    /// <summary>The scenario's class: its full name without the test name.</summary>
    public static string ClassName(ScenarioResult result) =>
        result.FullName.EndsWith("." + result.Name, StringComparison.Ordinal) ? result.FullName[..^(result.Name.Length + 1)] : result.FullName;

    public static void Write(RunReport report, string directory) => Build(report).Save(Path.Combine(directory, "junit.xml"));

    private static string Seconds(double ms) => (ms / 1000).ToString("F3", CultureInfo.InvariantCulture);

    /// <summary>Text from the target as XML 1.0 allows it.</summary>
    private static string X(string? text) => ReportText.Xml(text);

    private static string FirstLine(string? text) => (text ?? "").Split('\n')[0].Trim();
}
