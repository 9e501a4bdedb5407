namespace MpsdConformance.Reference;

/// <summary>The session's timers, run lazily before each operation: reserved-member removal and the empty-session timeout.</summary>
internal static class Timers
{
    private const long DefaultReservedRemovalMs = 30_000;

    /// <summary>Timers run lazily: expired reservations go, and an empty session past its timeout is deleted.</summary>
    internal static Session? Apply(Session? current, DateTimeOffset now)
    {
        if (current is null)
        {
            return null;
        }
        var reservedTimeout = current.Timeout("reservedRemovalTimeout", DefaultReservedRemovalMs) * (Faults.Active(FaultKind.ReservedTimeoutInSeconds) ? 1000 : 1);
        var expired = reservedTimeout is { } ms
            ? current.Members.Values.Where(m => m.Reserved && m.JoinTime.AddMilliseconds(ms) <= now).ToList()
            : [];
        var emptyTimeout = current.Timeout("sessionEmptyTimeout", 0);
        if (expired.Count == 0 && !(current.Members.Count == 0 && EmptyExpired(current.EmptySince, emptyTimeout, now)))
        {
            return current;
        }
        var next = current.Clone();
        foreach (var member in expired)
        {
            next.Members.Remove(member.Index);
        }
        if (next.Members.Count == 0)
        {
            next.EmptySince ??= expired.Count > 0 ? expired.Max(m => m.JoinTime.AddMilliseconds(reservedTimeout!.Value)) : now;
            if (emptyTimeout == 0 || EmptyExpired(next.EmptySince, emptyTimeout, now))
            {
                return null;
            }
        }
        SessionEngine.Commit(next);
        return next;
    }

    private static bool EmptyExpired(DateTimeOffset? since, long? timeoutMs, DateTimeOffset now) =>
        since is { } s && timeoutMs is { } ms && s.AddMilliseconds(ms) <= now;
}
