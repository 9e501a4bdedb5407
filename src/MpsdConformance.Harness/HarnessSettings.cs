using System.Globalization;

namespace MpsdConformance.Harness;

/// <summary>
/// The suite's settings, each from the first of: an environment variable, a runsettings
/// <c>TestRunParameters</c> entry of the same name, the default.
/// </summary>
public sealed record HarnessSettings
{
    /// <summary>Path of the target profile; empty means the embedded reference server.</summary>
    public string? ProfilePath { get; init; }

    /// <summary>Per-request timeout.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The largest answer body the suite reads (4 MiB by default, MPSD_MAX_ANSWER_BYTES; a session answer is far
    /// smaller): a larger one fails the request ("the answer exceeded N bytes"), keeping only its first part as
    /// evidence, so a target that streams without end cannot fill memory or the reports.
    /// </summary>
    public long MaxAnswerBytes { get; init; } = 4 << 20;

    /// <summary>The most response headers the suite reads, in KiB (64 by default, MPSD_MAX_HEADER_KIB): more fail the request.</summary>
    public int MaxHeaderKiB { get; init; } = 64;

    /// <summary>
    /// After this many consecutive timeouts or connection failures of one method (3 by default, MPSD_STALL_AFTER;
    /// 0: never), the target is taken as stalled: the run stops sending, and the scenarios not finished end
    /// inconclusive.
    /// </summary>
    public int StallAfter { get; init; } = 3;

    /// <summary>How often a 429 or 503 is retried (honouring Retry-After).</summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>Requests per second at most (0: no cap), so a shared sandbox is not hammered.</summary>
    public double MaxRequestsPerSecond { get; init; }

    /// <summary>Where a run under <c>dotnet test</c> writes scenario-results.json (a hosted run hands its results to its host).</summary>
    public string? ResultsDirectory { get; init; }

    /// <summary>Reads the settings; a bad value is an error naming the setting, its source, and the fix.</summary>
    public static HarnessSettings Read(Func<string, string?> environment, Func<string, string?> runSettings)
    {
        string? Get(string name, out string source)
        {
            if (environment(name) is { Length: > 0 } fromEnvironment)
            {
                source = $"environment variable {name}";
                return fromEnvironment;
            }
            source = $"runsettings parameter {name}";
            return runSettings(name) is { Length: > 0 } fromRunSettings ? fromRunSettings : null;
        }
        double Number(string name, double fallback, double min, double max)
        {
            var text = Get(name, out var source);
            if (text is null)
            {
                return fallback;
            }
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                throw new ProfileException($"{source} is '{text}': write a number from {min} to {max}");
            }
            return value;
        }
        return new HarnessSettings
        {
            ProfilePath = Get("MPSD_PROFILE", out _),
            RequestTimeout = TimeSpan.FromSeconds(Number("MPSD_REQUEST_TIMEOUT_SECONDS", 10, 0.1, 600)),
            MaxRetries = (int)Number("MPSD_MAX_RETRIES", 2, 0, 10),
            MaxAnswerBytes = (long)Number("MPSD_MAX_ANSWER_BYTES", 4 << 20, 1024, 1 << 30),
            MaxHeaderKiB = (int)Number("MPSD_MAX_HEADER_KIB", 64, 1, 1024),
            StallAfter = (int)Number("MPSD_STALL_AFTER", 3, 0, 1000),
            MaxRequestsPerSecond = Number("MPSD_MAX_REQUESTS_PER_SECOND", 0, 0, 100_000),
            ResultsDirectory = Get("MPSD_RESULTS_DIR", out _),
        };
    }
}
