using System.Text.Json.Nodes;
using MpsdConformance.Contract;

namespace MpsdConformance.Harness;

/// <summary>
/// The contract checks every exchange goes through: a body the suite sends must be valid against its request
/// schema (else the suite has a bug, and says so), and every session document the target sends is checked
/// against <c>response.schema.json</c>, the invariants no schema can express, and the ETag rule. Problems
/// become findings of the current scenario, tied to the requirement the broken rule enforces.
/// </summary>
public sealed class ContractCheckingHandler(ContractValidator validator, Redactor redactor) : DelegatingHandler
{
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
        if (!quiet && ScenarioState.Current is { } state && response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (body.Length > 0)
            {
                state.Add(Check(body, MpsdResponse.ETagOf(response.Headers), (int)response.StatusCode, redactor.Redact(request.RequestUri!.ToString())));
            }
        }
        return response;
    }

    private List<ContractFinding> Check(string body, string? etag, int status, string url)
    {
        var report = validator.Validate(SchemaKind.Response, body);
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
