using MpsdConformance.Reference;

namespace MpsdConformance.Hosting;

/// <summary>
/// The target of a run: a profile the user gave, or, with none, the embedded reference server started here
/// (the one place a run starts it) with its profile handed over in memory.
/// </summary>
public sealed class TargetHost : IAsyncDisposable
{
    /// <summary>How reports name the embedded target.</summary>
    public const string EmbeddedLabel = "embedded reference server";

    private readonly ReferenceServer? _embedded;

    private TargetHost(TargetProfile profile, ReferenceServer? embedded)
    {
        Profile = profile;
        _embedded = embedded;
    }

    /// <summary>The target's profile (for the embedded server: its random tokens, never written to disk).</summary>
    public TargetProfile Profile { get; }

    /// <summary>True when the target is the embedded reference server.</summary>
    public bool IsEmbedded => _embedded is not null;

    /// <summary>Uses <paramref name="profile"/>, or starts the embedded reference server on a free loopback port when it is null.</summary>
    public static async Task<TargetHost> StartAsync(TargetProfile? profile, CancellationToken stop = default)
    {
        if (profile is not null)
        {
            return new TargetHost(profile, null);
        }
        var server = await ReferenceServer.StartAsync(new ReferenceOptions(), stop);
        return new TargetHost(TargetProfile.Parse(server.TargetProfileJson(), EmbeddedLabel, _ => null), server);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_embedded is not null)
        {
            await _embedded.DisposeAsync();
        }
    }
}
