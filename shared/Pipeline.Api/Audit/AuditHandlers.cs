// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Api.Management;
using Pipeline.Audit;
using Pipeline.Audit.Git;
using Pipeline.Audit.Model;
using Pipeline.Audit.Reporting;
using Pipeline.Domain;
using Pipeline.Domain.Json;
using Pipeline.Orchestration.Audit;
using Pipeline.Storage;

namespace Pipeline.Api.Audit;

/// <summary>
/// HTTP handlers of the repository audit, shared by the local host and the Functions app:
/// POST /api/audit (202 + the management payload; list, status, terminate and purge are ManagementEndpoints),
/// GET /api/audit/{id}/report, GET /api/audit/{id}/charts/{name}.png, GET /dashboard/audit (the page).
/// </summary>
public static class AuditHandlers
{
    private static readonly JsonSerializerOptions RequestJson = new(JsonSerializerDefaults.Web) { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow };

    /// <param name="payload">The management payload for an instance id (the Functions app's Durable helper); null: this host's routes.</param>
    public static async Task<IResult> StartAsync(HttpRequest request, DurableTaskClient client, CancellationToken ct = default,
        Func<string, ManagementPayload>? payload = null)
    {
        AuditRequest? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<AuditRequest>(request.Body, RequestJson, ct);
        }
        catch (JsonException e)
        {
            return BadRequest($"The body must be JSON like {{\"path\": \"/abs/path\"}} or {{\"repo\": \"owner/name\"}} (optional since: yyyy-mm-dd, topN, file): {e.Message}");
        }
        if (body is null) return BadRequest("The body must be JSON like {\"path\": \"/abs/path\"} or {\"repo\": \"owner/name\"}.");
        // The allow-list before anything touches the file system: the answer is the same whether or not the path exists.
        if (body.Path is { } path && string.IsNullOrWhiteSpace(body.Repo) && System.IO.Path.IsPathFullyQualified(path))
        {
            var roots = request.HttpContext.RequestServices.GetService<Microsoft.Extensions.Options.IOptions<AuditOptions>>()?.Value.AllowedRoots ?? [];
            if (!Pipeline.Domain.Security.AllowList.IsUnderRoot(path, roots))
                return BadRequest($"'path' is not under an allowed folder (Audit:AllowedRoots{(roots.Count == 0 ? ": none configured" : "")}).");
        }
        try
        {
            RepositoryLocator.Validate(body);
        }
        catch (AuditInputException e)
        {
            return BadRequest(e.Message);
        }

        var instanceId = await client.ScheduleNewOrchestrationInstanceAsync(nameof(AuditRepositoryOrchestrator), body,
            new StartOrchestrationOptions(ManagedOperation.Audit.NewInstanceId()), ct);
        return ManagementHandlers.Accepted(request, payload?.Invoke(instanceId) ?? ManagementHandlers.LocalPayload(request, ManagedOperation.Audit, instanceId));
    }

    /// <summary><c>GET /api/audit/{id}/report</c>: the stored report of a finished audit; 404 (problem) until it exists.</summary>
    public static async Task<IResult> GetReportAsync(string id, IDocumentStore store, CancellationToken ct = default)
    {
        var document = await store.GetAsync(Collections.Audits, id, ct);
        if (document is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No report",
                detail: $"No finished audit with id {id}; GET /api/audit/{id} tells whether it is still running or failed.");
        }
        document.Remove("_id");
        document["instanceId"] = id;
        return TypedResults.Text(document.ToJsonString(PipelineJson.Options), "application/json");
    }

    public static async Task<IResult> GetChartAsync(string id, string name, IDocumentStore store, CancellationToken ct = default)
    {
        if (name.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) name = name[..^4];
        if (!AuditCharts.Names.Contains(name))
            return TypedResults.Json(new ErrorResponse($"Unknown chart '{name}'. Charts: {string.Join(", ", AuditCharts.Names)}."), PipelineJson.Options, statusCode: StatusCodes.Status404NotFound);
        var document = await store.GetAsync(Collections.Audits, id, ct);
        if (document is null) return TypedResults.Json(new ErrorResponse($"No finished audit with id {id}."), PipelineJson.Options, statusCode: StatusCodes.Status404NotFound);
        document.Remove("_id");
        var report = AuditJson.FromJsonObject(document);
        return TypedResults.File(AuditCharts.Render(report, name)!, "image/png");
    }

    public static IResult Dashboard() => TypedResults.Content(AuditDashboard.Html, "text/html; charset=utf-8");

    private static IResult BadRequest(string reason) => TypedResults.Json(new ErrorResponse(reason), PipelineJson.Options, statusCode: StatusCodes.Status400BadRequest);
}
