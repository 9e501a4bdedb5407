using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MpsdConformance.Harness;

/// <summary>A session the suite made: its template and unique name.</summary>
public sealed record SessionRef(string Template, string Name)
{
    /// <inheritdoc />
    public override string ToString() => $"{Template}/{Name}";
}

/// <summary>A response, read once.</summary>
public sealed class MpsdResponse
{
    // What the body is instead of a session, when it is not one and that is worth saying (an empty answer of no
    // media type, such as a 204, is simply no session).
    private readonly string? _instead;

    internal MpsdResponse(HttpStatusCode status, HttpResponseHeaders headers, HttpContentHeaders content, string body, Exchange exchange)
    {
        Status = status;
        Headers = headers;
        ContentHeaders = content;
        Body = body;
        Exchange = exchange;
        if (MediaType == "application/json" && body.Length > 0)
        {
            try
            {
                var document = JsonNode.Parse(body);
                Session = document as JsonObject;
                _instead = Session is null ? $"its application/json body is {Kind(document)}, not an object" : null;
            }
            catch (JsonException)
            {
                Session = null;
                _instead = "its application/json body is not JSON";
            }
        }
        else if (body.Length > 0)
        {
            _instead = MediaType is null ? "its body has no Content-Type (a session is application/json)" : $"its body is {MediaType}, not application/json";
        }
        else if (MediaType == "application/json")
        {
            _instead = "its application/json body is empty";
        }
    }

    /// <summary>The status code.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>Response headers.</summary>
    public HttpResponseHeaders Headers { get; }

    /// <summary>Content headers (Content-Type, Expires ...).</summary>
    public HttpContentHeaders ContentHeaders { get; }

    /// <summary>The body text.</summary>
    public string Body { get; }

    /// <summary>The session document, when the body is one.</summary>
    public JsonObject? Session { get; }

    /// <summary>
    /// Null when the response carries a session document; else why not, for messages: "the response has no session
    /// document", and what its body is instead when it has one (empty, not JSON, another media type ...).
    /// </summary>
    public string? WhyNoSession => Session is not null ? null
        : _instead is null ? "the response has no session document" : $"the response has no session document: {_instead}";

    /// <summary>The redacted exchange, for messages.</summary>
    public Exchange Exchange { get; }

    /// <summary>The ETag header value as sent (quotes kept), or null.</summary>
    public string? ETag => ETagOf(Headers);

    /// <summary>The media type of the body, or null.</summary>
    public string? MediaType => ContentHeaders.ContentType?.MediaType;

    private static string Kind(JsonNode? document) => document?.GetValueKind() switch
    {
        null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        _ => "a boolean",
    };

    internal static string? ETagOf(HttpResponseHeaders headers) => headers.TryGetValues("ETag", out var values) ? values.FirstOrDefault() : null;
}

/// <summary>The target did not answer, or not completely (refused, timed out, reset, not HTTP, a body that never ended or was too large).</summary>
public sealed class TargetUnreachableException(string message, Exception inner) : Exception(message, inner)
{
    /// <summary>
    /// What went wrong, in the words of an HTTP client failure and of the transport failures under it
    /// ("An error occurred while sending the request." alone does not say that the connection was reset).
    /// </summary>
    public static string Why(Exception failure)
    {
        var text = failure.Message;
        for (var cause = failure.InnerException; cause is HttpRequestException or IOException or SocketException; cause = cause.InnerException)
        {
            if (!text.Contains(cause.Message, StringComparison.Ordinal))
            {
                text += " " + cause.Message;
            }
        }
        return Printable(text);
    }

    /// <summary>
    /// <paramref name="text"/> with every control character but tab and line ends, and every non-character, shown as '.':
    /// a client failure may quote what the target sent (random bytes as a status line), and the reports must stay valid XML.
    /// </summary>
    public static string Printable(string text) =>
        text.Any(Unprintable) ? string.Concat(text.Select(c => Unprintable(c) ? '.' : c)) : text;

    /// <summary>A control character other than tab and line ends, half a surrogate pair, or a non-character.</summary>
    internal static bool Unprintable(char c) =>
        (char.IsControl(c) && c is not ('\n' or '\r' or '\t')) || char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF';
}
