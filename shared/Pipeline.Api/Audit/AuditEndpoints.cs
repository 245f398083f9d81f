// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;
using Pipeline.Api.Dashboard;
using Pipeline.Api.Management;
using Pipeline.Storage;

namespace Pipeline.Api.Audit;

internal static class AuditEndpoints
{
    /// <summary>Maps the audit API under /api/audit and the page at /dashboard/audit (and /api/dashboard/audit, the Functions route).</summary>
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        // List, status, terminate and purge: ManagementEndpoints.
        app.MapPost("/api/audit", (HttpRequest req, DurableTaskClient client, CancellationToken ct) => AuditHandlers.StartAsync(req, client, ct))
            .WithName("AuditStart").WithTags("Audit").Produces<ManagementPayload>(StatusCodes.Status202Accepted);
        app.MapGet("/api/audit/{id}/report", (string id, IDocumentStore store, CancellationToken ct) => AuditHandlers.GetReportAsync(id, store, ct))
            .WithName("AuditReport").WithTags("Audit");
        app.MapGet("/api/audit/{id}/charts/{name}", (string id, string name, IDocumentStore store, CancellationToken ct) => AuditHandlers.GetChartAsync(id, name, store, ct));
        foreach (var prefix in DashboardEndpoints.Prefixes)
        {
            DashboardEndpoints.Describe(app.MapGet(prefix + "/audit", AuditHandlers.Dashboard), prefix == DashboardEndpoints.Prefixes[0]);
        }
        return app;
    }
}
