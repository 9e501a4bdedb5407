namespace MpsdConformance.Harness;

/// <summary>
/// What one scenario has done so far: its exchanges, the findings of the responses it read, the sessions it
/// made (for cleanup) and the readings it observed. One per async flow, so parallel scenarios never mix.
/// </summary>
public sealed class ScenarioState
{
    private static readonly AsyncLocal<ScenarioState?> Flow = new();
    private readonly List<Exchange> _exchanges = [];
    private readonly List<ContractFinding> _findings = [];
    private readonly List<SessionRef> _sessions = [];
    private readonly List<ObservedReading> _readings = [];

    /// <summary>The current scenario's state, or null outside a scenario.</summary>
    public static ScenarioState? Current => Flow.Value;

    /// <summary>Starts a fresh state for the current flow and returns it.</summary>
    public static ScenarioState Begin() => Flow.Value = new ScenarioState();

    /// <summary>Ends the current flow's state.</summary>
    public static void End() => Flow.Value = null;

    /// <summary>A copy of the exchanges so far.</summary>
    public IReadOnlyList<Exchange> Exchanges => Snapshot(_exchanges);

    /// <summary>A copy of the findings so far.</summary>
    public IReadOnlyList<ContractFinding> Findings => Snapshot(_findings);

    /// <summary>A copy of the readings so far.</summary>
    public IReadOnlyList<ObservedReading> Readings => Snapshot(_readings);

    /// <summary>The sessions made so far, each once.</summary>
    public IReadOnlyList<SessionRef> Sessions
    {
        get
        {
            lock (_sessions)
            {
                return _sessions.Distinct().ToList();
            }
        }
    }

    /// <summary>The last exchange recorded, or null.</summary>
    public Exchange? LastExchange
    {
        get
        {
            lock (_exchanges)
            {
                return _exchanges.Count > 0 ? _exchanges[^1] : null;
            }
        }
    }

    internal void Add(Exchange exchange) => Locked(_exchanges, list => list.Add(exchange));

    internal void Add(IEnumerable<ContractFinding> findings) => Locked(_findings, list => list.AddRange(findings));

    internal void Add(SessionRef session) => Locked(_sessions, list => list.Add(session));

    internal void Add(ObservedReading reading) => Locked(_readings, list => list.Add(reading));

    internal void ForgetSessions() => Locked(_sessions, list => list.Clear());

    private static List<T> Snapshot<T>(List<T> list)
    {
        lock (list)
        {
            return [.. list];
        }
    }

    private static void Locked<T>(List<T> list, Action<List<T>> change)
    {
        lock (list)
        {
            change(list);
        }
    }
}

/// <summary>Which documented reading of an ambiguous point the target chose, recorded per scenario.</summary>
public static class Readings
{
    /// <summary>Readings recorded by the current scenario.</summary>
    public static IReadOnlyList<ObservedReading>? Recorded => ScenarioState.Current?.Readings;

    /// <summary>Records that the target chose <paramref name="reading"/> for <paramref name="requirement"/>.</summary>
    public static void Record(string requirement, string reading)
    {
        if (ScenarioState.Current is not { } state)
        {
            return;
        }
        state.Add(new ObservedReading(requirement, reading));
        TestContext.Out.WriteLine($"reading: {requirement} = {reading}");
    }
}
