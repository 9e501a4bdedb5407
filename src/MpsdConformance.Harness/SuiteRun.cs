using System.Collections.Concurrent;
using NUnit.Framework.Interfaces;

namespace MpsdConformance.Harness;

/// <summary>
/// One run of the suite against one target: the client the scenarios call, when it started, and the results
/// the scenarios hand in as they end. A host (the command line) sets one up and hands it over through
/// <see cref="Host"/>; under <c>dotnet test</c> the suite's set-up fixture makes its own.
/// </summary>
public sealed class SuiteRun
{
    private static readonly Lock HostLock = new();
    private static SuiteRun? _hosted;
    private readonly ConcurrentQueue<ScenarioResult> _results = new();

    /// <summary>A run against <paramref name="target"/>, starting now.</summary>
    public SuiteRun(Target target)
    {
        Target = target;
        Started = DateTimeOffset.UtcNow;
    }

    /// <summary>The run a host set up, or null (the suite then hosts itself).</summary>
    public static SuiteRun? Hosted
    {
        get
        {
            lock (HostLock)
            {
                return _hosted;
            }
        }
    }

    /// <summary>The target's client.</summary>
    public Target Target { get; }

    /// <summary>When the run started.</summary>
    public DateTimeOffset Started { get; }

    /// <summary>The results handed in so far.</summary>
    public IReadOnlyList<ScenarioResult> Results => [.. _results];

    /// <summary>Makes <paramref name="run"/> the hosted run until the returned handle is disposed; one at a time per process.</summary>
    public static IDisposable Host(SuiteRun run)
    {
        lock (HostLock)
        {
            if (_hosted is not null)
            {
                throw new InvalidOperationException("another run of the suite is in progress in this process");
            }
            _hosted = run;
        }
        return new Release();
    }

    /// <summary>Hands in one scenario's result.</summary>
    public void Add(ScenarioResult result) => _results.Enqueue(result);

    /// <summary>The run's results document, finished now.</summary>
    public RunResults Finish() => RunResults.Of(Target.Describe(), Started, DateTimeOffset.UtcNow, _results) with { StopReason = Target.StopReason };

    /// <summary>
    /// The outcome NUnit's result state means: a not-applicable skip (its message starts "not-applicable"), an
    /// error (an exception in the test), a failure, inconclusive ...
    /// </summary>
    public static Outcome OutcomeOf(ResultState state, string? message) => state.Status switch
    {
        TestStatus.Passed => Outcome.Passed,
        TestStatus.Failed when state.Label == "Cancelled" => Outcome.NotRun,
        TestStatus.Failed when state.Site == FailureSite.Test && state.Label == "Error" => Outcome.Error,
        TestStatus.Failed => Outcome.Failed,
        TestStatus.Skipped => message?.StartsWith("not-applicable", StringComparison.Ordinal) == true ? Outcome.NotApplicable : Outcome.Skipped,
        TestStatus.Inconclusive => Outcome.Inconclusive,
        _ => Outcome.NotRun,
    };

    private sealed class Release : IDisposable
    {
        private bool _done;

        public void Dispose()
        {
            lock (HostLock)
            {
                if (!_done)
                {
                    _hosted = null;
                    _done = true;
                }
            }
        }
    }
}
