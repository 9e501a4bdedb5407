using System.Reflection;
using System.Runtime.Loader;
using System.Security;
using MpsdConformance.Contract;
using NUnit;
using NUnit.Framework.Api;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace MpsdConformance.Hosting;

/// <summary>A scenario started or finished: the structured progress of a run.</summary>
/// <param name="FullName">The scenario's full name.</param>
/// <param name="Name">Its short name.</param>
/// <param name="Outcome">How it ended; null when it has just started.</param>
/// <param name="Finished">How many scenarios have finished, this one included (0 for a start).</param>
public sealed record ScenarioEvent(string FullName, string Name, Outcome? Outcome, int Finished);

/// <summary>What a run needs: the target, the settings, which requirements, and where progress goes.</summary>
public sealed record SuiteRunOptions
{
    /// <summary>The target's profile; null certifies the embedded reference server.</summary>
    public TargetProfile? Profile { get; init; }

    /// <summary>Timeouts, retries, pacing.</summary>
    public HarnessSettings Settings { get; init; } = new();

    /// <summary>Only scenarios naming one of these requirement IDs; null runs every scenario.</summary>
    public IReadOnlySet<string>? Requirements { get; init; }

    /// <summary>Receives a start and a finish event per scenario (called from the suite's worker threads).</summary>
    public Action<ScenarioEvent>? Progress { get; init; }

    /// <summary>
    /// Why the run stops when its token is cancelled (the deadline passed, an interrupt), as the reports say it;
    /// null: "the run was stopped".
    /// </summary>
    public Func<string>? WhyStopped { get; init; }

    /// <summary>Keeps every exchange on the wire, in full and redacted; null (the default) records nothing more than the reports need.</summary>
    public WireRecorder? Recorder { get; init; }
}

/// <summary>The outcome of a hosted run.</summary>
/// <param name="Results">Every scenario's result.</param>
/// <param name="Secrets">The secrets of the target's profile, for the leak scan (never printed).</param>
/// <param name="Redactor">Masks them.</param>
public sealed record SuiteRunResult(RunResults Results, IReadOnlyList<string> Secrets, Redactor Redactor);

/// <summary>
/// Runs the conformance suite (<c>MpsdConformance.Scenarios.dll</c>, built beside this assembly) in this
/// process through NUnit's own assembly runner: no MSBuild, no test host, no child process. Progress comes
/// from NUnit's listener events, results from the scenarios themselves through <see cref="SuiteRun"/>.
/// </summary>
public static class SuiteRunner
{
    /// <summary>The suite's assembly file name.</summary>
    public const string SuiteAssemblyFile = "MpsdConformance.Scenarios.dll";

    /// <summary>Where the suite's assembly is looked for: beside this assembly.</summary>
    public static string SuiteAssemblyPath => Path.Combine(Path.GetDirectoryName(typeof(SuiteRunner).Assembly.Location) is { Length: > 0 } here ? here : AppContext.BaseDirectory, SuiteAssemblyFile);

    /// <summary>Starts the target (the embedded reference server when no profile is given), runs the suite, stops the target.</summary>
    public static async Task<SuiteRunResult> RunAsync(SuiteRunOptions options, CancellationToken stop = default)
    {
        var assembly = LoadSuite();
        // Three slow starts overlap: the contract's schemas (the server and the client both validate with them),
        // the target, and NUnit's discovery of the suite.
        var schemas = Task.Run(() => ContractValidator.Shared(), stop);
        var runner = new NUnitTestAssemblyRunner(new DefaultTestAssemblyBuilder());
        var discovery = Task.Run(() => runner.Load(assembly, new Dictionary<string, object>
        {
            [FrameworkPackageSettings.WorkDirectory] = Path.GetTempPath(),
            [FrameworkPackageSettings.RunOnMainThread] = false,
        }), stop);
        await using var host = await TargetHost.StartAsync(options.Profile, stop);
        await schemas;
        var suite = await discovery;
        if (suite.RunState == RunState.NotRunnable)
        {
            throw new InvalidOperationException($"the conformance suite cannot run: {suite.Properties.Get(PropertyNames.SkipReason)}");
        }
        using var target = Target.Connect(host.Profile, options.Settings, options.Recorder);
        var run = new SuiteRun(target);
        var listener = new Listener(options.Progress);
        // A stalled target, a passed deadline or an interrupt: no scenario starts any more, the running ones fail
        // fast (the target sends nothing more) and end inconclusive.
        target.Stopped += _ => runner.StopRun(force: false);
        using (SuiteRun.Host(run))
        {
            await using (stop.Register(() => target.Stop(options.WhyStopped?.Invoke() ?? "the run was stopped")))
            {
                await Task.Run(() => runner.Run(listener, Filter(options.Requirements)), CancellationToken.None);
            }
        }
        var results = run.Finish();
        var missing = listener.Finished.Where(f => results.Results.All(r => r.FullName != f.FullName)).ToList();
        if (missing.Count > 0)
        {
            // A scenario that never reached its own teardown (a failed one-time set-up, a stopped run) still gets a result.
            results = RunResults.Of(results.Target, results.Started, results.Finished, results.Results.Concat(missing.Select(m => m with
            {
                Message = m.Message is null ? null : target.Redactor.Redact(m.Message),
            })));
        }
        if (target.StopReason is { } reason)
        {
            results = Unfinished(results, reason);
        }
        return new SuiteRunResult(results, host.Profile.Secrets, target.Redactor);
    }

    /// <summary>
    /// A stopped run's results: a scenario that ended on the target not answering, or that never ran to its end,
    /// is inconclusive with the reason the run stopped (a failure it met before stays a failure).
    /// </summary>
    public static RunResults Unfinished(RunResults results, string reason)
    {
        var unreachable = typeof(TargetUnreachableException).FullName!;
        return results with
        {
            StopReason = reason,
            Results = results.Results.Select(r =>
                r.Outcome is Outcome.NotRun || (r.Outcome is Outcome.Error && r.Message?.StartsWith(unreachable, StringComparison.Ordinal) == true)
                    ? r with { Outcome = Outcome.Inconclusive, Message = r.Message is null ? reason : $"{reason}\n{r.Message}" }
                    : r).ToList(),
        };
    }

    private static Assembly LoadSuite()
    {
        var path = SuiteAssemblyPath;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"the conformance suite is not built: {SuiteAssemblyFile} is missing beside {Path.GetFileName(typeof(SuiteRunner).Assembly.Location)}", path);
        }
        var name = AssemblyName.GetAssemblyName(path);
        return AssemblyLoadContext.Default.Assemblies.FirstOrDefault(a => AssemblyName.ReferenceMatchesDefinition(a.GetName(), name))
            ?? AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
    }

    private static TestFilter Filter(IReadOnlySet<string>? requirements)
    {
        if (requirements is null)
        {
            return TestFilter.Empty;
        }
        var props = string.Concat(requirements.Order(StringComparer.Ordinal)
            .Select(id => $"<prop name=\"{RequirementAttribute.PropertyName}\">{SecurityElement.Escape(id)}</prop>"));
        return TestFilter.FromXml($"<filter><or>{props}</or></filter>");
    }

    private sealed class Listener(Action<ScenarioEvent>? progress) : ITestListener
    {
        private readonly Lock _lock = new();
        private readonly List<ScenarioResult> _finished = [];

        public IReadOnlyList<ScenarioResult> Finished
        {
            get
            {
                lock (_lock)
                {
                    return [.. _finished];
                }
            }
        }

        public void TestStarted(ITest test)
        {
            if (!test.IsSuite)
            {
                progress?.Invoke(new ScenarioEvent(test.FullName, test.Name, null, 0));
            }
        }

        public void TestFinished(ITestResult result)
        {
            if (result.Test.IsSuite)
            {
                return;
            }
            var outcome = SuiteRun.OutcomeOf(result.ResultState, result.Message);
            int count;
            lock (_lock)
            {
                _finished.Add(new ScenarioResult(result.Test.Name, result.Test.FullName, Requirements(result.Test), outcome, result.Message,
                    result.Duration * 1000, [], [], [], []));
                count = _finished.Count;
            }
            progress?.Invoke(new ScenarioEvent(result.Test.FullName, result.Test.Name, outcome, count));
        }

        public void TestOutput(TestOutput output)
        {
        }

        public void SendMessage(TestMessage message)
        {
        }

        private static List<string> Requirements(ITest test)
        {
            var ids = new List<string>();
            for (var node = test; node is not null; node = node.Parent)
            {
                ids.AddRange(node.Properties[RequirementAttribute.PropertyName].Cast<string>());
                if (node.IsSuite && node.TypeInfo is not null && node.Method is null)
                {
                    break;
                }
            }
            return ids.Distinct().ToList();
        }
    }
}
