namespace MpsdConformance.Reference;

/// <summary>
/// The session's timers, run lazily before each operation: reserved-member removal, ready-member removal
/// (readyRemovalTimeout) and the empty-session timeout.
/// </summary>
internal static class Timers
{
    /// <summary>reservedRemovalTimeout when the session leaves it unset (contract 107).</summary>
    public const long DefaultReservedRemovalMs = 30_000;

    /// <summary>readyRemovalTimeout when the session leaves it unset (contract 107).</summary>
    public const long DefaultReadyRemovalMs = 180_000;

    /// <summary>Timers run lazily: expired reservations go, members ready too long go (or stop being ready), and an empty session past its timeout is deleted.</summary>
    internal static Session? Apply(Session? current, DateTimeOffset now)
    {
        if (current is null)
        {
            return null;
        }
        current = Initialization.ApplyDue(current, now) ?? current;
        var reservedTimeout = current.Timeout("reservedRemovalTimeout", DefaultReservedRemovalMs) * (Faults.Active(FaultKind.ReservedTimeoutInSeconds) ? 1000 : 1);
        var expired = reservedTimeout is { } ms
            ? current.Members.Values.Where(m => m.Reserved && !Initialization.Exempt(current, m) && m.JoinTime.AddMilliseconds(ms) <= now).ToList()
            : [];
        var readyTimeout = current.Timeout("readyRemovalTimeout", DefaultReadyRemovalMs);
        var readyTooLong = readyTimeout is { } readyMs && !Faults.Active(FaultKind.ReadyTimerIgnored)
            ? current.Members.Values.Where(m => m.ReadySince is { } since && !Initialization.Exempt(current, m) && since.AddMilliseconds(readyMs) <= now).ToList()
            : [];
        var emptyTimeout = current.EmptyTimeout;
        if (expired.Count == 0 && readyTooLong.Count == 0 && !(current.Members.Count == 0 && EmptyExpired(current.EmptySince, emptyTimeout, now)))
        {
            return current;
        }
        var next = current.Clone();
        foreach (var member in expired)
        {
            next.Members.Remove(member.Index);
        }
        foreach (var member in readyTooLong)
        {
            if (!current.Readings.ReadyTimeoutRevertsToInactive)
            {
                next.Members.Remove(member.Index);
            }
            else if (next.Members.TryGetValue(member.Index, out var stays))
            {
                // TIMER-MEMBER-REMOVAL, reverts-inactive: the member stays, no longer ready.
                Bags.System(stays.Properties).Remove("ready");
                stays.ReadySince = null;
            }
        }
        if (next.Members.Count == 0)
        {
            var lastRemoval = expired.Select(m => m.JoinTime.AddMilliseconds(reservedTimeout!.Value))
                .Concat(readyTooLong.Select(m => m.ReadySince!.Value.AddMilliseconds(readyTimeout!.Value)))
                .DefaultIfEmpty(now)
                .Max();
            next.EmptySince ??= lastRemoval;
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
