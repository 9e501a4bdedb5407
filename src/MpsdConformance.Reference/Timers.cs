namespace MpsdConformance.Reference;

/// <summary>
/// The session's timers, run lazily before each operation: reserved-member removal, ready-member removal
/// (readyRemovalTimeout), inactive-member removal (inactiveRemovalTimeout) and the empty-session timeout; and the
/// member status they follow.
/// </summary>
internal static class Timers
{
    /// <summary>reservedRemovalTimeout when the session leaves it unset (contract 107).</summary>
    public const long DefaultReservedRemovalMs = 30_000;

    /// <summary>readyRemovalTimeout when the session leaves it unset (contract 107).</summary>
    public const long DefaultReadyRemovalMs = 180_000;

    /// <summary>
    /// Follows a member's status after a write, as Microsoft's client derives it: active, else ready, else reserved,
    /// else inactive. Records since when it is ready (readyRemovalTimeout) and since when it is inactive
    /// (inactiveRemovalTimeout): a member starts inactive when it joins or accepts its reservation without
    /// active or ready, and becomes inactive again when it clears them.
    /// </summary>
    internal static void Track(Member member, DateTimeOffset now)
    {
        member.ReadySince = member.IsReady ? member.ReadySince ?? now : null;
        if (member.IsActive || member.IsReady)
        {
            member.WasActive = true;
            member.InactiveSince = null;
        }
        else
        {
            member.InactiveSince = member.Reserved ? null : member.InactiveSince ?? now;
        }
    }

    /// <summary>
    /// When an inactive member falls due for removal, or null. TIMER-INACTIVE-REMOVAL: a timeout of 0 (the
    /// contract-107 default) turns the timer off under the "off" reading, since every member starts inactive;
    /// under "after-activity" it removes a member as soon as it stops being active or ready.
    /// </summary>
    internal static DateTimeOffset? InactiveDue(Session session, Member member) =>
        (member.InactiveSince, session.Timeout("inactiveRemovalTimeout", session.Readings.DefaultInactiveRemovalTimeout)) switch
        {
            (null, _) or (_, null) => null,
            ({ } since, 0) => session.Readings.ZeroInactiveTimeoutAfterActivity && member.WasActive ? since : null,
            ({ } since, { } ms) => since.AddMilliseconds(ms),
        };

    /// <summary>
    /// Timers run lazily: expired reservations go, members ready too long go (or stop being ready), members
    /// inactive too long go, the ownership policy applies when the last owner went, and an empty session past its
    /// timeout is deleted.
    /// </summary>
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
        if (expired.Count == 0 && readyTooLong.Count == 0 && !InactiveTooLong(current, now).Any()
            && !(current.Members.Count == 0 && EmptyExpired(current.EmptySince, emptyTimeout, now)))
        {
            return current;
        }
        var next = current.Clone();
        var removedAt = new List<DateTimeOffset>();
        foreach (var member in expired)
        {
            next.Members.Remove(member.Index);
            removedAt.Add(member.JoinTime.AddMilliseconds(reservedTimeout!.Value));
        }
        foreach (var member in readyTooLong)
        {
            var due = member.ReadySince!.Value.AddMilliseconds(readyTimeout!.Value);
            if (!current.Readings.ReadyTimeoutRevertsToInactive)
            {
                next.Members.Remove(member.Index);
                removedAt.Add(due);
            }
            else if (next.Members.TryGetValue(member.Index, out var stays))
            {
                // TIMER-MEMBER-REMOVAL, reverts-inactive: the member stays, no longer ready: inactive from then on.
                Bags.System(stays.Properties).Remove("ready");
                stays.ReadySince = null;
                stays.InactiveSince = due;
            }
        }
        // After the ready timer, so a member it sent back to inactive long ago is judged from then.
        foreach (var (member, due) in InactiveTooLong(next, now).ToList())
        {
            next.Members.Remove(member.Index);
            removedAt.Add(due);
        }
        if (Ownership.Reconcile(next))
        {
            return null; // the last owner went under ownershipPolicies.migration endsession
        }
        if (next.Members.Count == 0)
        {
            next.EmptySince ??= removedAt.DefaultIfEmpty(now).Max();
            if (emptyTimeout == 0 || EmptyExpired(next.EmptySince, emptyTimeout, now))
            {
                return null;
            }
        }
        SessionEngine.Commit(next);
        return next;
    }

    /// <summary>When each inactive member falls due for removal (for <c>nextTimer</c>), skipping those that never will.</summary>
    internal static IEnumerable<DateTimeOffset> InactiveDues(Session session) =>
        session.Members.Values.Select(m => InactiveDue(session, m)).OfType<DateTimeOffset>();

    private static IEnumerable<(Member Member, DateTimeOffset Due)> InactiveTooLong(Session session, DateTimeOffset now) =>
        Faults.Active(FaultKind.InactiveTimerIgnored)
            ? []
            : session.Members.Values
                .Select(m => (Member: m, Due: InactiveDue(session, m)))
                .Where(m => m.Due <= now)
                .Select(m => (m.Member, m.Due!.Value));

    private static bool EmptyExpired(DateTimeOffset? since, long? timeoutMs, DateTimeOffset now) =>
        since is { } s && timeoutMs is { } ms && s.AddMilliseconds(ms) <= now;
}
