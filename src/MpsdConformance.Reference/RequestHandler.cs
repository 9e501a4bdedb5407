using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using MpsdConformance.Contract;

namespace MpsdConformance.Reference;

/// <summary>HTTP in and out: headers, identity, body checks; the semantics live in <see cref="SessionEngine"/>.</summary>
internal sealed class RequestHandler(
    ReferenceConfig config,
    SessionEngine engine,
    IdentityProvider identities,
    ContractValidator validator,
    Action<string>? log,
    Readings readings,
    RequestLimits limits)
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);
    private const int MinimumContractVersion = 104;

    public async Task Handle(HttpContext context, Resource resource)
    {
        var started = Stopwatch.GetTimestamp();
        string who = "-";
        try
        {
            who = await HandleCore(context, resource);
        }
        finally
        {
            log?.Invoke($"{context.Request.Method} {context.Request.Path} -> {context.Response.StatusCode} ({who}) {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F1} ms");
        }
    }

    private async Task<string> HandleCore(HttpContext context, Resource resource)
    {
        var request = context.Request;
        var allowed = resource switch
        {
            Resource.Session => "GET, PUT",
            Resource.Properties => "PUT",
            _ => "DELETE",
        };
        if (Faults.Active(FaultKind.PathCaseSensitive) && Faults.HasUppercaseFixedSegment(request.Path))
        {
            await Text(context, 404, "the URI is invalid: not an MPSD session resource");
            return "-";
        }
        if (!allowed.Split(", ").Contains(request.Method, StringComparer.OrdinalIgnoreCase))
        {
            if (Faults.Active(FaultKind.WrongMethod404))
            {
                await Text(context, 404, "the URI is invalid: not an MPSD session resource");
                return "-";
            }
            context.Response.Headers.Allow = allowed;
            await Text(context, 405, $"{request.Method} is not allowed here; use {allowed}");
            return "-";
        }
        if (limits.Overloaded() is { } overloadedFor)
        {
            context.Response.Headers.RetryAfter = overloadedFor.ToString(CultureInfo.InvariantCulture);
            await Text(context, 503, $"the service is overloaded; retry after {overloadedFor} s");
            return "-";
        }
        var versionHeader = request.Headers["X-Xbl-Contract-Version"].ToString();
        int? version = int.TryParse(versionHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var given) && given >= MinimumContractVersion ? given : null;
        if (versionHeader.Length == 0 && Faults.Active(FaultKind.ContractVersionUnchecked))
        {
            _ = int.Parse(versionHeader, CultureInfo.InvariantCulture);
        }
        if (version is null && readings.MissingContractVersionStatus is { } refusal)
        {
            await Text(context, refusal, versionHeader.Length == 0
                ? "the X-Xbl-Contract-Version header is required (104 or later)"
                : $"X-Xbl-Contract-Version must be a number, 104 or later; got '{Trim(versionHeader)}'");
            return "-";
        }
        var principal = identities.Resolve(request.Headers.Authorization.ToString())
                        ?? (Faults.Active(FaultKind.AnonymousServed) && request.Headers.Authorization.Count == 0 ? Faults.Anonymous : null);
        if (principal is null)
        {
            context.Response.Headers.WWWAuthenticate = "XBL3.0";
            await Text(context, 401, "authorization required: XBL3.0 x=<userhash>;<token> with a known token");
            return "-";
        }
        var values = request.RouteValues;
        string scid = (string)values["scid"]!, templateName = (string)values["template"]!, name = (string)values["name"]!;
        var template = config.Scids.TryGetValue(scid, out var templates)
            ? templates.GetValueOrDefault(templateName) ?? (Faults.Active(FaultKind.UnknownTemplateFallsBack) ? templates.Values.FirstOrDefault() : null)
            : null;
        if (template is null)
        {
            await Text(context, 404, "service config is either invalid or not configured for sessions: unknown scid or session template");
            return principal.Name;
        }
        if (readings.GuidNamesOnly && !Guid.TryParse(name, out _))
        {
            await Text(context, 400, $"the session name must be a GUID; got '{Trim(name)}'");
            return principal.Name;
        }
        var key = SessionKey.Of(scid, templateName, name);
        if (limits.OverRateLimit(principal, key) is { } over)
        {
            await TooManyRequests(context, over.Limit, over.RetryAfter);
            return principal.Name;
        }
        var conditions = new Conditions(Header(request, "If-Match"), Header(request, "If-None-Match"));
        Outcome outcome;
        switch (resource)
        {
            case Resource.Session when HttpMethods.IsGet(request.Method):
                outcome = engine.Get(key, principal, conditions.IfNoneMatch);
                break;
            case Resource.Session or Resource.Properties:
                var body = await ReadBody(context, resource == Resource.Session ? SchemaKind.Request : SchemaKind.Properties);
                if (body is null)
                {
                    return principal.Name;
                }
                var noCommit = string.Equals(request.Query["nocommit"], "true", StringComparison.OrdinalIgnoreCase);
                if (Faults.Active(FaultKind.ContractFromCreatingRequest))
                {
                    template = new TemplateConfig { ContractVersion = version ?? template.ContractVersion, Constants = template.Constants };
                }
                if (resource == Resource.Properties && Faults.Active(FaultKind.PropertiesIgnoreIfMatch))
                {
                    conditions = conditions with { IfMatch = null };
                }
                if (conditions.IfMatch is not null && !noCommit && Faults.Active(FaultKind.IfMatchCheckNotAtomic))
                {
                    // The check and the write as two steps, with time between them for another writer.
                    var check = engine.Put(key, (scid, templateName, name), template, principal, body, conditions, noCommit: true, resource == Resource.Properties);
                    if (check.Status == 412)
                    {
                        outcome = check;
                        break;
                    }
                    await Task.Delay(250, context.RequestAborted);
                    conditions = conditions with { IfMatch = null };
                }
                outcome = engine.Put(key, (scid, templateName, name), template, principal, body, conditions, noCommit, resource == Resource.Properties);
                if (resource == Resource.Properties && outcome.Status == 200 && Faults.Active(FaultKind.PropertiesAnswer201))
                {
                    outcome = outcome with { Status = 201 };
                }
                break;
            case Resource.MemberMe:
                outcome = engine.DeleteMe(key, principal, conditions);
                break;
            case Resource.MemberIndex:
                if (!int.TryParse((string)values["index"]!, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    await Text(context, 404, "invalid element: a member index is a decimal number");
                    return principal.Name;
                }
                outcome = engine.DeleteMember(key, principal, conditions, index);
                break;
            default:
                outcome = engine.DeleteServer(key, principal, conditions, (string)values["server"]!);
                break;
        }
        Faults.BreakAnswer(context, key, outcome);
        await Write(context, outcome, version ?? template.ContractVersion, principal.Xuid);
        return principal.Name;
    }

    /// <summary>
    /// Reads and checks a PUT body, session-shaped (a properties body comes back as <c>{"properties": ...}</c>);
    /// on failure answers and returns null.
    /// </summary>
    private async Task<JsonObject?> ReadBody(HttpContext context, SchemaKind kind)
    {
        var request = context.Request;
        var mediaType = request.ContentType?.Split(';')[0].Trim();
        if (!string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            await Text(context, 415, $"Content-Type must be application/json; got '{Trim(request.ContentType ?? "(none)")}'");
            return null;
        }
        var limit = config.Limits.MaxBodyBytes;
        if (request.ContentLength > limit)
        {
            await Text(context, 413, $"request body over {limit} bytes");
            return null;
        }
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit)
            {
                await Text(context, 413, $"request body over {limit} bytes");
                return null;
            }
        }
        string text;
        try
        {
            text = StrictUtf8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
            if (text.StartsWith('\uFEFF'))
            {
                text = text[1..]; // a UTF-8 byte-order mark may be ignored (RFC 8259 §8.1)
            }
        }
        catch (DecoderFallbackException)
        {
            await Text(context, 400, "the body is not UTF-8");
            return null;
        }
        var report = validator.Validate(kind, text);
        if (report.Problem is not null)
        {
            if (Faults.Active(FaultKind.MalformedJson500))
            {
                throw new JsonException("the body is " + report.Problem);
            }
            await Text(context, 400, "the body is " + report.Problem);
            return null;
        }
        // unchecked-<rule> mutants let that rule's violations through, dropping the offending values.
        var ignored = Faults.UncheckedBodyRule is { } rule ? report.Violations.Where(v => v.Requirement == rule).ToList() : [];
        JsonNode? parsed;
        try
        {
            parsed = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = config.Limits.MaxJsonDepth });
        }
        catch (JsonException)
        {
            await Text(context, 400, $"the JSON is nested deeper than {config.Limits.MaxJsonDepth} levels");
            return null;
        }
        JsonObject bag;
        if (ignored.Count > 0)
        {
            bag = Faults.DropOffendingValues(parsed, ignored.Select(v => v.Pointer));
        }
        else if (parsed is JsonObject parsedObject)
        {
            bag = parsedObject;
        }
        else
        {
            await Text(context, 400, $"the request body breaks the MPSD contract: {string.Join("; ", report.Violations.Take(5))}");
            return null;
        }
        var checkedViolations = report.Violations.Where(v => !ignored.Contains(v)).ToList();
        var body = kind == SchemaKind.Properties ? new JsonObject { ["properties"] = bag } : bag;
        var violations = kind == SchemaKind.Properties ? checkedViolations.Select(v => v with { Pointer = "/properties" + v.Pointer }).ToList() : checkedViolations;
        if (BodyReadings.Judge(body, violations, readings) is { } refusal)
        {
            var status = Faults.Active(FaultKind.ProhibitedMember422) && violations.Any(v => v.Requirement == "BODY-TOPLEVEL-ALLOWED") ? 422 : refusal.Status;
            await Text(context, status, refusal.Message);
            return null;
        }
        return body;
    }

    private async Task Write(HttpContext context, Outcome outcome, int contractVersion, string? viewer)
    {
        var response = context.Response;
        if (outcome.Status == 503)
        {
            response.Headers.RetryAfter = engine.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }
        if (outcome.Session is { } session)
        {
            response.Headers.ETag = session.ETag;
            if (SessionJson.NextTimer(session) is { } expires)
            {
                response.Headers.Expires = expires.ToString("R", CultureInfo.InvariantCulture);
            }
        }
        if (outcome.Text is not null)
        {
            await Text(context, outcome.Status, outcome.Text);
            return;
        }
        response.StatusCode = outcome.Status;
        if (outcome.Session is null || !outcome.WithBody)
        {
            return;
        }
        response.ContentType = "application/json; charset=utf-8";
        var body = outcome.Session.RenderedUtf8(readings.AnswerInRequestContract ? contractVersion : null, viewer);
        if (outcome.PropertyBagOnly)
        {
            // PROPSRES-STATUS=200-properties: the session's property bag alone.
            body = System.Text.Encoding.UTF8.GetBytes(System.Text.Json.Nodes.JsonNode.Parse(body)?["properties"]?.ToJsonString() ?? "{}");
        }
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>429 with a JSON message (the status-code page: application/json, a message) and Retry-After.</summary>
    private static Task TooManyRequests(HttpContext context, RateLimitConfig limit, int retryAfter)
    {
        var message = $"too many requests: at most {limit.Requests} per {limit.WindowSeconds} s by one caller to one session; retry after {retryAfter} s";
        context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        if (Faults.Active(FaultKind.RateLimit429Text))
        {
            return Text(context, 429, message);
        }
        context.Response.StatusCode = 429;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(new JsonObject { ["message"] = message }.ToJsonString());
    }

    public static Task Text(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        if (Faults.Active(FaultKind.ErrorsAsProblemJson))
        {
            context.Response.ContentType = "application/problem+json";
            return context.Response.WriteAsync(new JsonObject { ["title"] = message, ["status"] = status }.ToJsonString());
        }
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message);
    }

    private static string? Header(HttpRequest request, string name) =>
        request.Headers.TryGetValue(name, out var value) && value.Count > 0 ? value.ToString() : null;

    private static string Trim(string value) => value.Length > 40 ? value[..40] + "..." : value;
}
