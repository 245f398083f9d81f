using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;
using Pipeline.Storage;

namespace Pipeline.Api.Audit;

public static class AuditEndpoints
{
    /// <summary>Maps the audit API under /api/audit and the page at /dashboard/audit.</summary>
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/audit", (HttpRequest req, DurableTaskClient client, CancellationToken ct) => AuditHandlers.StartAsync(req, client, ct));
        app.MapGet("/api/audit", (IDocumentStore store, CancellationToken ct) => AuditHandlers.ListAsync(store, ct));
        app.MapGet("/api/audit/{id}", (string id, DurableTaskClient client, IDocumentStore store, CancellationToken ct) => AuditHandlers.GetAsync(id, client, store, ct));
        app.MapGet("/api/audit/{id}/charts/{name}", (string id, string name, IDocumentStore store, CancellationToken ct) => AuditHandlers.GetChartAsync(id, name, store, ct));
        app.MapGet("/dashboard/audit", AuditHandlers.Dashboard);
        return app;
    }
}
