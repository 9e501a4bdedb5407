using System.Net;

namespace MpsdConformance.Harness;

/// <summary>
/// Assertions whose failure explains itself: the expectation, then the request line and key headers, the
/// status line, and the redacted, trimmed body.
/// </summary>
public static class Expect
{
    /// <summary>The status must be <paramref name="expected"/>.</summary>
    public static void Status(MpsdResponse response, HttpStatusCode expected, string why) =>
        Assert.That(response.Status, Is.EqualTo(expected), () => Explain($"expected {(int)expected} {expected}: {why}", response));

    /// <summary>The status must be one of <paramref name="allowed"/>; returns it.</summary>
    public static HttpStatusCode StatusIn(MpsdResponse response, string why, params HttpStatusCode[] allowed)
    {
        Assert.That(allowed, Does.Contain(response.Status),
            () => Explain($"expected {string.Join(" or ", allowed.Select(s => $"{(int)s} {s}"))}: {why}", response));
        return response.Status;
    }

    /// <summary>A condition about a response.</summary>
    public static void That(bool condition, MpsdResponse response, string expectation) =>
        Assert.That(condition, Is.True, () => Explain(expectation, response));

    /// <summary>The response carries a session document; returns it.</summary>
    public static System.Text.Json.Nodes.JsonObject Session(MpsdResponse response, string why)
    {
        Assert.That(response.Session, Is.Not.Null, () => Explain($"expected a session document (application/json): {why}", response));
        return response.Session!;
    }

    /// <summary>The expectation followed by the exchange.</summary>
    public static string Explain(string expectation, MpsdResponse response) => $"{expectation}\n{response.Exchange.Describe()}";
}
