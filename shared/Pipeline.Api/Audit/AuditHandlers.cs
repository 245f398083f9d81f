// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Audit;
using Pipeline.Audit.Git;
using Pipeline.Audit.Model;
using Pipeline.Audit.Reporting;
using Pipeline.Domain;
using Pipeline.Orchestration.Audit;
using Pipeline.Storage;

namespace Pipeline.Api.Audit;

/// <summary>
/// HTTP handlers of the repository audit, shared by the local host and the Functions app:
/// POST /api/audit (202 + status URL), GET /api/audit (recent audits), GET /api/audit/{id} (status or report),
/// GET /api/audit/{id}/charts/{name}.png, GET /dashboard/audit (the page).
/// </summary>
public static class AuditHandlers
{
    private static readonly JsonSerializerOptions RequestJson = new(JsonSerializerDefaults.Web) { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow };

    public static async Task<IResult> StartAsync(HttpRequest request, DurableTaskClient client, CancellationToken ct = default)
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

        var instanceId = await client.ScheduleNewOrchestrationInstanceAsync(nameof(AuditRepositoryOrchestrator), body, ct);
        var statusUrl = StatusUrl(request, instanceId);
        return new WithLocation(Results.Json(new { instanceId, statusUrl }, statusCode: StatusCodes.Status202Accepted), statusUrl);
    }

    public static async Task<IResult> GetAsync(string id, DurableTaskClient client, IDocumentStore store, CancellationToken ct = default)
    {
        var document = await store.GetAsync(Collections.Audits, id, ct);
        if (document is not null)
        {
            document.Remove("_id");
            return Results.Json(new JsonObject { ["instanceId"] = id, ["runtimeStatus"] = "Completed", ["report"] = document });
        }
        // Failure details come only with inputs and outputs (both small here).
        var instance = await client.GetInstanceAsync(id, getInputsAndOutputs: true, ct);
        if (instance is null) return Results.Json(new { error = $"No audit with id {id}." }, statusCode: StatusCodes.Status404NotFound);
        var status = instance.RuntimeStatus.ToString();
        return instance.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated => Results.Json(new
            {
                instanceId = id,
                runtimeStatus = status,
                error = instance.FailureDetails?.ErrorMessage ?? "The audit was stopped.",
            }),
            // The activity stores the report before the orchestration completes, so this means the document was removed since.
            OrchestrationRuntimeStatus.Completed => Results.Json(new
            {
                instanceId = id,
                runtimeStatus = status,
                error = $"The audit completed but its report is no longer in the {Collections.Audits} collection.",
            }, statusCode: StatusCodes.Status404NotFound),
            _ => Results.Json(new
            {
                instanceId = id,
                runtimeStatus = status,
                createdAt = instance.CreatedAt,
                lastUpdatedAt = instance.LastUpdatedAt,
            }, statusCode: StatusCodes.Status202Accepted),
        };
    }

    public static async Task<IResult> ListAsync(IDocumentStore store, CancellationToken ct = default)
    {
        var docs = await store.FindAsync(Collections.Audits, DocumentQuery.All.OrderBy("createdAt", descending: true).Take(20), ct);
        var items = docs.Select(d => new
        {
            instanceId = (string?)d["_id"],
            createdAt = (string?)d["createdAt"],
            repository = d["repository"]?["repo"]?.GetValue<string>() ?? d["repository"]?["path"]?.GetValue<string>(),
            final = d["mlTestScore"]?["final"]?.GetValue<double>(),
            band = d["mlTestScore"]?["band"]?.GetValue<string>(),
        });
        return Results.Json(items);
    }

    public static async Task<IResult> GetChartAsync(string id, string name, IDocumentStore store, CancellationToken ct = default)
    {
        if (name.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) name = name[..^4];
        if (!AuditCharts.Names.Contains(name))
            return Results.Json(new { error = $"Unknown chart '{name}'. Charts: {string.Join(", ", AuditCharts.Names)}." }, statusCode: StatusCodes.Status404NotFound);
        var document = await store.GetAsync(Collections.Audits, id, ct);
        if (document is null) return Results.Json(new { error = $"No finished audit with id {id}." }, statusCode: StatusCodes.Status404NotFound);
        document.Remove("_id");
        var report = AuditJson.FromJsonObject(document);
        return Results.File(AuditCharts.Render(report, name)!, "image/png");
    }

    public static IResult Dashboard() => Results.Content(AuditDashboard.Html, "text/html; charset=utf-8");

    private static string StatusUrl(HttpRequest request, string instanceId)
    {
        var path = request.PathBase.Add(request.Path).Value?.TrimEnd('/') ?? "/api/audit";
        return string.Create(CultureInfo.InvariantCulture, $"{request.Scheme}://{request.Host}{path}/{Uri.EscapeDataString(instanceId)}");
    }

    private static IResult BadRequest(string reason) => Results.Json(new { error = reason }, statusCode: StatusCodes.Status400BadRequest);

    /// <summary>Adds a Location header to a result.</summary>
    private sealed class WithLocation(IResult inner, string location) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.Location = location;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
