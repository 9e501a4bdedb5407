using System.Collections.Concurrent;

namespace MpsdConformance.Reference;

/// <summary>A session's identity: scid, template and name, compared ignoring case.</summary>
internal readonly record struct SessionKey(string Scid, string Template, string Name)
{
    public static SessionKey Of(string scid, string template, string name) =>
        new(scid.ToLowerInvariant(), template.ToLowerInvariant(), name.ToLowerInvariant());
}

/// <summary>The place one session lives; its lock makes every read-modify-write on the session atomic.</summary>
internal sealed class SessionSlot
{
    public object Gate { get; } = new();

    public Session? Current { get; set; }

    /// <summary>Set once the slot left the store: a thread holding it must fetch a fresh one.</summary>
    public bool Retired { get; set; }
}

/// <summary>All sessions, in memory, with a cap so memory stays bounded.</summary>
internal sealed class SessionStore(int maxSessions)
{
    private readonly ConcurrentDictionary<SessionKey, SessionSlot> _slots = new();
    private int _sessions;

    public int Count => Volatile.Read(ref _sessions);

    /// <summary>
    /// Runs <paramref name="action"/> under the session's lock. The action returns the session to keep
    /// (null: none). Returns false without running it when the session does not exist, would be created,
    /// and the store is full.
    /// </summary>
    public T WithSession<T>(SessionKey key, Func<Session?, (Session? Keep, T Result)> action, Func<T> whenFull)
    {
        while (true)
        {
            var slot = _slots.GetOrAdd(key, _ => new SessionSlot());
            lock (slot.Gate)
            {
                if (slot.Retired)
                {
                    continue;
                }
                var before = slot.Current;
                var (keep, result) = action(before);
                if (before is null && keep is not null)
                {
                    if (Interlocked.Increment(ref _sessions) > maxSessions)
                    {
                        Interlocked.Decrement(ref _sessions);
                        Retire(key, slot);
                        return whenFull();
                    }
                }
                else if (before is not null && keep is null)
                {
                    Interlocked.Decrement(ref _sessions);
                }
                if (keep is not null && !ReferenceEquals(keep, before))
                {
                    keep.Freeze(); // stored, it never changes again: its bags shrink to compact UTF-8
                }
                slot.Current = keep;
                if (keep is null)
                {
                    Retire(key, slot);
                }
                return result;
            }
        }
    }

    private void Retire(SessionKey key, SessionSlot slot)
    {
        slot.Retired = true;
        _slots.TryRemove(new KeyValuePair<SessionKey, SessionSlot>(key, slot));
    }
}
