using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Prometheus;

namespace Pipeline.Api.Operations;

/// <summary>Health and metrics: what operators and probes (Kubernetes, compose, the dashboard) read.</summary>
public static class OperationsEndpoints
{
    /// <summary><c>GET /api/health</c>: 200 with each dependency's status when all are ready, else 503 with the same document.</summary>
    public static async Task<IResult> Health(HealthService health, CancellationToken ct)
    {
        var report = await health.CheckAsync(ct);
        return Results.Json(report, statusCode: report.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary><c>GET /api/metrics</c>: Prometheus text exposition of every .NET Meter and prometheus-net metric.</summary>
    public static async Task Metrics(HttpContext context)
    {
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await Prometheus.Metrics.DefaultRegistry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
    }

    public static IEndpointRouteBuilder MapOperationsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health", Health);
        app.MapGet("/api/metrics", Metrics);
        app.MapGet("/api/ingestion/status", IngestionStatusService.Handle);
        return app;
    }
}
