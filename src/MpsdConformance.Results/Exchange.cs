using System.Text;

namespace MpsdConformance.Results;

/// <summary>One HTTP exchange as data, secrets already redacted.</summary>
public sealed record Exchange(
    DateTimeOffset Started,
    string Method,
    string Url,
    IReadOnlyList<KeyValuePair<string, string>> RequestHeaders,
    string? RequestBody,
    int? Status,
    string? Reason,
    IReadOnlyList<KeyValuePair<string, string>> ResponseHeaders,
    string? ResponseBody,
    double ElapsedMs,
    string? Error,
    string Caller)
{
    /// <summary>The request line and key headers, the status line, and the trimmed body: how failures explain themselves.</summary>
    public string Describe(int maxBody = 600)
    {
        var text = new StringBuilder();
        text.Append("  → ").Append(Method).Append(' ').Append(Url).Append("  (as ").Append(Caller).Append(")\n");
        foreach (var (name, value) in RequestHeaders.Where(h => Interesting(h.Key)))
        {
            text.Append("    ").Append(name).Append(": ").Append(value).Append('\n');
        }
        if (!string.IsNullOrEmpty(RequestBody))
        {
            text.Append("    ").Append(Trim(RequestBody, maxBody)).Append('\n');
        }
        if (Error is not null)
        {
            text.Append("  ← no response: ").Append(Error).Append('\n');
            return text.ToString();
        }
        text.Append("  ← ").Append(Status).Append(' ').Append(Reason).Append('\n');
        foreach (var (name, value) in ResponseHeaders.Where(h => Interesting(h.Key)))
        {
            text.Append("    ").Append(name).Append(": ").Append(value).Append('\n');
        }
        if (!string.IsNullOrEmpty(ResponseBody))
        {
            text.Append("    ").Append(Trim(ResponseBody, maxBody)).Append('\n');
        }
        return text.ToString();
    }

    private static bool Interesting(string header) =>
        header.Equals("If-Match", StringComparison.OrdinalIgnoreCase) || header.Equals("If-None-Match", StringComparison.OrdinalIgnoreCase)
        || header.Equals("ETag", StringComparison.OrdinalIgnoreCase) || header.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)
        || header.Equals("X-Xbl-Contract-Version", StringComparison.OrdinalIgnoreCase) || header.Equals("Retry-After", StringComparison.OrdinalIgnoreCase)
        || header.Equals("Authorization", StringComparison.OrdinalIgnoreCase);

    private static string Trim(string body, int max) => body.Length <= max ? body : body[..max] + $"... ({body.Length} chars)";
}
