using System.Collections.Concurrent;

namespace MpsdConformance.Reference;

/// <summary>
/// The request limits of <see cref="LimitsConfig"/>, counted in fixed windows on the server's clock: the
/// fine-grained rate limit of each caller on each session (429), and the overload limit of all callers together
/// (503). Both are off unless configured.
/// </summary>
internal sealed class RequestLimits(LimitsConfig limits, TimeProvider time)
{
    // Windows of callers that went quiet are dropped now and then, so the table stays as small as the traffic.
    private const int SweepEvery = 4096;
    private readonly ConcurrentDictionary<(IdentityConfig Caller, SessionKey Session), Window> _callers = new();
    private readonly Window _everyone = new();
    private int _added;

    /// <summary>When the overload limit is reached: the seconds to wait (for Retry-After); else null, and the request counts.</summary>
    public int? Overloaded() => limits.OverloadLimit is { } limit ? _everyone.Take(limit, time.GetUtcNow()) : null;

    /// <summary>
    /// When <paramref name="caller"/> went over its rate limit on <paramref name="session"/>: the limit and the seconds
    /// to wait; else null, and the request counts.
    /// </summary>
    public (RateLimitConfig Limit, int RetryAfter)? OverRateLimit(Principal caller, SessionKey session)
    {
        if ((caller.Identity.RateLimit ?? limits.RateLimit) is not { } limit)
        {
            return null;
        }
        var now = time.GetUtcNow();
        var window = _callers.GetOrAdd((caller.Identity, session), _ =>
        {
            if (Interlocked.Increment(ref _added) % SweepEvery == 0)
            {
                Sweep(now);
            }
            return new Window();
        });
        return window.Take(limit, now) is { } wait ? (limit, wait) : null;
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, window) in _callers)
        {
            if (window.EndedBy(now))
            {
                _callers.TryRemove(new KeyValuePair<(IdentityConfig, SessionKey), Window>(key, window));
            }
        }
    }

    /// <summary>One fixed window: it starts with its first request and allows so many requests until it ends.</summary>
    private sealed class Window
    {
        private readonly Lock _gate = new();
        private DateTimeOffset _end = DateTimeOffset.MinValue;
        private int _count;

        /// <summary>Counts a request; when the window is used up, the whole seconds until it ends (at least 1) instead.</summary>
        public int? Take(RateLimitConfig limit, DateTimeOffset now)
        {
            lock (_gate)
            {
                if (now >= _end)
                {
                    _end = now + TimeSpan.FromSeconds(limit.WindowSeconds);
                    _count = 0;
                }
                if (_count < limit.Requests)
                {
                    _count++;
                    return null;
                }
                return Math.Max(1, (int)Math.Ceiling((_end - now).TotalSeconds));
            }
        }

        public bool EndedBy(DateTimeOffset now)
        {
            lock (_gate)
            {
                return now >= _end;
            }
        }
    }
}
