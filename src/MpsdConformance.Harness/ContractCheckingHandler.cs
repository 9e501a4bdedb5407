using System.Text.Json.Nodes;
using MpsdConformance.Contract;

namespace MpsdConformance.Harness;

/// <summary>
/// The contract checks every exchange goes through: a body the suite sends must be valid against its request
/// schema (else the suite has a bug, and says so), and every session document the target sends is checked
/// against <c>response.schema.json</c>, the invariants no schema can express, and the ETag rule. Where the
/// ledger's readings leave an endpoint's answer shape open (the /properties sub-resource may answer the whole
/// session or the property bag alone, Q7), an answer valid as any allowed shape is fine. Every 429 and 503 is
/// checked against R30 instead (<see cref="RefusalProblem"/>), including those the retry handler retries
/// (<see cref="CheckRetried"/>). Problems become findings of the current scenario, tied to the requirement the
/// broken rule enforces.
/// </summary>
public sealed class ContractCheckingHandler(ContractValidator validator, Redactor redactor, RequirementLedger ledger) : DelegatingHandler
{
    /// <summary>The requirement of the answers to going over limits: 429 with a JSON body, 503 with Retry-After.</summary>
    public const string LimitsRequirement = "RATE-429-503";

    /// <summary>Request option: the schema the request body must satisfy (absent: a deliberately broken body).</summary>
    public static readonly HttpRequestOptionsKey<SchemaKind> BodyKindKey = new("mpsd.body-kind");

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is not null && request.Options.TryGetValue(BodyKindKey, out var kind))
        {
            var report = validator.Validate(kind, await request.Content.ReadAsStringAsync(cancellationToken));
            if (!report.IsValid)
            {
                throw new InvalidOperationException(
                    $"the suite built a {kind} body the contract refuses ({report.Problem ?? string.Join("; ", report.Violations)}): a bug of the suite, not of the target");
            }
        }
        var response = await base.SendAsync(request, cancellationToken);
        request.Options.TryGetValue(RecordingHandler.QuietKey, out var quiet);
        if (quiet || ScenarioState.Current is not { } state)
        {
            return response;
        }
        if (IsRefusal(response))
        {
            state.Add(await CheckRefusal(request, response, cancellationToken));
        }
        else if (response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (body.Length > 0)
            {
                state.Add(Check(Endpoint(request), body, MpsdResponse.ETagOf(response.Headers), (int)response.StatusCode, redactor.Redact(request.RequestUri!.ToString())));
            }
        }
        return response;
    }

    /// <summary>Checks a 429 or 503 the retry handler is about to retry: the same R30 check as for the answers it returns.</summary>
    public async Task CheckRetried(HttpRequestMessage request, HttpResponseMessage response)
    {
        request.Options.TryGetValue(RecordingHandler.QuietKey, out var quiet);
        if (!quiet && ScenarioState.Current is { } state && IsRefusal(response))
        {
            state.Add(await CheckRefusal(request, response, CancellationToken.None));
        }
    }

    /// <summary>
    /// What is wrong with a 429 or 503 answer under R30 (the status-code page: 429 carries an application/json body,
    /// a message; 503 a Retry-After header), or null when nothing is, or for any other status.
    /// </summary>
    public static string? RefusalProblem(int status, string? mediaType, string body, bool hasRetryAfter) => status switch
    {
        429 when !string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase) =>
            $"429 with {(mediaType is null ? "no Content-Type" : mediaType)}: a 429 carries an application/json body (a message)",
        429 when TryParse(body) is null =>
            $"429 whose application/json body is {(body.Trim().Length == 0 ? "empty" : "not JSON")}: a 429 carries a JSON body (a message)",
        503 when !hasRetryAfter => "503 without a Retry-After header: an overloaded service says when to retry",
        _ => null,
    };

    /// <summary>The ledger's name of a request's endpoint: <c>PUT properties</c>, <c>PUT session</c>, <c>GET session</c> ...</summary>
    public static string Endpoint(HttpRequestMessage request) =>
        $"{request.Method.Method} {(request.RequestUri?.AbsolutePath.TrimEnd('/').EndsWith("/properties", StringComparison.OrdinalIgnoreCase) == true ? "properties" : "session")}";

    /// <summary>The findings of one answer of <paramref name="endpoint"/>.</summary>
    public List<ContractFinding> Check(string endpoint, string body, string? etag, int status, string url)
    {
        var report = validator.Validate(SchemaKind.Response, body);
        if (!report.IsValid && ledger.AnswerShapes(endpoint).Contains("property-bag") && validator.Validate(SchemaKind.Properties, body).IsValid)
        {
            return []; // a documented reading: the property bag alone
        }
        if (report.Problem is not null)
        {
            return [new ContractFinding("RESP-TOPLEVEL-FIELDS", "the JSON body is not JSON: " + report.Problem, url)];
        }
        var findings = report.Violations.Select(v => new ContractFinding(v.Requirement ?? "RESP-TOPLEVEL-FIELDS", v.ToString(), url)).ToList();
        if (TryParse(body) is JsonObject session)
        {
            findings.AddRange(Invariants.Check(session).Select(f => f with { Url = url }));
            if (etag is null)
            {
                findings.Add(new ContractFinding("ETAG-PRESENT", $"{status} with a session but no ETag header", url));
            }
        }
        return findings;
    }

    private static bool IsRefusal(HttpResponseMessage response) => (int)response.StatusCode is 429 or 503;

    private async Task<List<ContractFinding>> CheckRefusal(HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var problem = RefusalProblem((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, response.Headers.RetryAfter is not null);
        return problem is null ? [] : [new ContractFinding(LimitsRequirement, problem, redactor.Redact(request.RequestUri!.ToString()))];
    }

    private static JsonNode? TryParse(string body)
    {
        try
        {
            return JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
