using System.Text;
using MpsdConformance.Harness;
using MpsdConformance.Hosting;
using MpsdConformance.Results;

namespace MpsdConformance.Cli;

/// <summary>
/// The run as it goes: one line per finished scenario on the console (<c>  [ n] pass Name</c>, redacted) and one
/// per scenario in run.log. Called from the suite's worker threads.
/// </summary>
/// <param name="stdout">Where the progress lines go.</param>
/// <param name="redactor">Masks the profile's secrets; null for the embedded reference server.</param>
internal sealed class CertifyProgress(TextWriter stdout, Redactor? redactor)
{
    private readonly Lock _lock = new();
    private readonly StringBuilder _log = new();

    /// <summary>run.log's text so far (not yet redacted by the run's own redactor).</summary>
    public string Log
    {
        get
        {
            lock (_lock)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Receives the suite runner's events; prints the finished ones.</summary>
    public void Report(ScenarioEvent e)
    {
        if (e.Outcome is not { } outcome)
        {
            return;
        }
        var mark = outcome switch { Outcome.Passed => "pass", Outcome.Failed or Outcome.Error => "FAIL", _ => "skip" };
        var line = $"  [{e.Finished,3}] {mark} {ReportText.Plain(e.Name)}";
        lock (_lock)
        {
            _log.AppendLine($"{Words.Of(outcome)} {e.FullName}");
            stdout.WriteLine(redactor?.Redact(line) ?? line);
        }
    }
}
