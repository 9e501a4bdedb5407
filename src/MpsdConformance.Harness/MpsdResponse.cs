using System.Net;
using System.Net.Http.Headers;
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
                Session = JsonNode.Parse(body) as JsonObject;
            }
            catch (JsonException)
            {
                Session = null;
            }
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

    /// <summary>The redacted exchange, for messages.</summary>
    public Exchange Exchange { get; }

    /// <summary>The ETag header value as sent (quotes kept), or null.</summary>
    public string? ETag => ETagOf(Headers);

    /// <summary>The media type of the body, or null.</summary>
    public string? MediaType => ContentHeaders.ContentType?.MediaType;

    internal static string? ETagOf(HttpResponseHeaders headers) => headers.TryGetValues("ETag", out var values) ? values.FirstOrDefault() : null;
}

/// <summary>The target did not answer (refused, timed out, reset).</summary>
public sealed class TargetUnreachableException(string message, Exception inner) : Exception(message, inner);
