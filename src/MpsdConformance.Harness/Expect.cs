using System.Collections;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using NUnit.Framework.Constraints;

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

    /// <summary>
    /// A field of the response's session document. <paramref name="pointer"/> is a JSON Pointer (RFC 6901);
    /// the constraint is given a string, a long (or double), a bool, null, or the node of an object or array,
    /// and null too when nothing is there (so <c>Is.Null</c> accepts a missing field). A failure shows the
    /// expectation, <c>at /pointer: expected ..., found ...</c> (the JSON there, or "nothing" and why), and the exchange.
    /// </summary>
    public static void Field(MpsdResponse response, string pointer, IResolveConstraint constraint, string why)
    {
        var lookup = response.Session is null
            ? new JsonNodes.Lookup(false, null, response.WhyNoSession)
            : JsonNodes.Resolve(response.Session, pointer);
        Judge(JsonNodes.Natural(lookup.Node), constraint, $"at {pointer}", () => JsonNodes.Describe(lookup), response, why);
    }

    /// <summary>
    /// A value of the response that is not a field of its document (a header, the media type, the status, the
    /// body): a failure shows the expectation, <c>what: expected ..., found ...</c>, and the exchange.
    /// </summary>
    public static void Value(MpsdResponse response, string what, object? actual, IResolveConstraint constraint, string why) =>
        Judge(actual, constraint, what, () => Show(actual), response, why);

    /// <summary>
    /// Two documents are equal in the parts named by <paramref name="pointers"/> (the whole documents when
    /// none): a failure names the first differing pointer with the value before and after, then the exchange
    /// of <paramref name="response"/>. A part missing on one side and JSON null on the other counts as equal.
    /// </summary>
    public static void Unchanged(JsonNode? before, JsonNode? after, MpsdResponse response, string why, params string[] pointers)
    {
        foreach (var part in pointers.Length == 0 ? [""] : pointers)
        {
            if (JsonNodes.FirstDifference(JsonNodes.Resolve(before, part).Node, JsonNodes.Resolve(after, part).Node, part) is { } at)
            {
                var where = at.Length == 0 ? "the document root" : at;
                var was = JsonNodes.Describe(JsonNodes.Resolve(before, at));
                var now = JsonNodes.Describe(JsonNodes.Resolve(after, at));
                Assert.Fail(Explain($"{why}\nat {where}: before {was}, after {now}", response));
                return;
            }
        }
    }

    /// <summary>
    /// The session documents of two responses are equal in the parts named by <paramref name="pointers"/>
    /// (see <see cref="Unchanged(JsonNode?, JsonNode?, MpsdResponse, string, string[])"/>); a failure shows the later exchange.
    /// </summary>
    public static void Unchanged(MpsdResponse before, MpsdResponse after, string why, params string[] pointers) =>
        Unchanged(before.Session, after.Session, after, why, pointers);

    /// <summary>
    /// A relation no single field or value expresses (between two fields, or a field and a header): the
    /// expectation must name the values involved, since only it is shown before the exchange.
    /// </summary>
    public static void That(bool condition, MpsdResponse response, string expectation) =>
        Assert.That(condition, Is.True, () => Explain(expectation, response));

    /// <summary>The response carries a session document; returns it.</summary>
    public static JsonObject Session(MpsdResponse response, string why)
    {
        Assert.That(response.Session, Is.Not.Null, () => Explain($"expected a session document (application/json): {why}\n{response.WhyNoSession}", response));
        return response.Session!;
    }

    /// <summary>The expectation followed by the exchange.</summary>
    public static string Explain(string expectation, MpsdResponse response) => $"{expectation}\n{response.Exchange.Describe()}";

    // A value as a message shows it: strings quoted, lists bracketed, numbers and dates invariant.
    private static string Show(object? value) => value switch
    {
        null => "null",
        string text => $"\"{text}\"",
        JsonNode node => JsonNodes.Show(node),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Show)) + "]",
        _ => value.ToString() ?? "",
    };

    // Applies the constraint; a failure is reported (and, inside Assert.Multiple, collected) with the value found.
    private static void Judge(object? actual, IResolveConstraint constraint, string where, Func<string> found, MpsdResponse response, string why)
    {
        var resolved = constraint.Resolve();
        string? problem = null;
        bool passed;
        try
        {
            passed = resolved.ApplyTo(actual).IsSuccess;
        }
        catch (ArgumentException e)
        {
            // Comparison constraints refuse null (said already by what was found) and values of another type.
            passed = false;
            problem = actual is null ? null : $" (which cannot be compared: {e.Message})";
        }
        if (!passed)
        {
            Assert.Fail(Explain($"{why}\n{where}: expected {resolved.Description}, found {found()}{problem}", response));
        }
    }
}
