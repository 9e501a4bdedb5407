namespace MpsdConformance.Results;

/// <summary>
/// One HTTP exchange as it went over the wire, in full and redacted: what <c>mpsd certify --record-mappings</c>
/// turns into WireMock mappings. Unlike <see cref="Exchange"/> (what the reports keep), it covers every request
/// the run sent: cleanup, the quiet requests of a burst, and each attempt the retry handler retried.
/// </summary>
/// <param name="Sequence">The order in which the answers came back, 1-based, over the whole run.</param>
/// <param name="Scenario">The full name of the scenario that sent it, or null outside any scenario.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="PathAndQuery">The request's path and query, as sent.</param>
/// <param name="RequestHeaders">The request's headers, values redacted.</param>
/// <param name="RequestBody">The request's body bytes, redacted, or null without a body.</param>
/// <param name="Status">The response's status code.</param>
/// <param name="ResponseHeaders">The response's headers, values redacted, each value of a repeated header on its own.</param>
/// <param name="ResponseBody">The response's body bytes, redacted (empty without a body).</param>
/// <param name="Concurrent">Whether another request on the same URL was in flight at the same time: its place among them is the order the answers came back, which another run may not keep.</param>
public sealed record RecordedExchange(
    long Sequence,
    string? Scenario,
    string Method,
    string PathAndQuery,
    IReadOnlyList<KeyValuePair<string, string>> RequestHeaders,
    byte[]? RequestBody,
    int Status,
    IReadOnlyList<KeyValuePair<string, string>> ResponseHeaders,
    byte[] ResponseBody,
    bool Concurrent = false);
