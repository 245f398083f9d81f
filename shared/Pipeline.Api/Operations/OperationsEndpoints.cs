using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Pipeline.Domain.Json;

namespace Pipeline.Api.Operations;

/// <summary>Health and metrics: what operators and probes (Kubernetes, compose, the dashboard) read.</summary>
public static class OperationsEndpoints
{
    /// <summary><c>GET /api/health</c> (kept for compatibility) and <c>GET /api/health/ready</c>: 200 with each dependency's
    /// status when all are ready, else 503 with the same document.</summary>
    public static Task<IResult> Health(HealthService health, CancellationToken ct) => Check(health, HealthCheckRegistrations.ReadyTag, ct);

    /// <summary><c>GET /api/health/live</c>: the process answers (no dependency is asked, so an outage never restarts a pod).</summary>
    public static Task<IResult> Live(HealthService health, CancellationToken ct) => Check(health, HealthCheckRegistrations.LiveTag, ct);

    private static async Task<IResult> Check(HealthService health, string tag, CancellationToken ct)
    {
        var report = await health.CheckAsync(tag, ct);
        return TypedResults.Json(report, PipelineJson.Options, statusCode: report.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary><c>GET /api/metrics</c>: Prometheus text exposition of every .NET Meter and prometheus-net metric.</summary>
    public static async Task Metrics(HttpContext context)
    {
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await Prometheus.Metrics.DefaultRegistry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
    }

    public static IEndpointRouteBuilder MapOperationsEndpoints(this IEndpointRouteBuilder app)
    {
        // ASP.NET Core's health check middleware, filtered by tag, writing the same document as the Functions triggers.
        app.MapHealthChecks("/api/health", Options(HealthCheckRegistrations.ReadyTag)).WithName("Health").WithTags("Operations");
        app.MapHealthChecks("/api/health/ready", Options(HealthCheckRegistrations.ReadyTag)).WithName("HealthReady").WithTags("Operations");
        app.MapHealthChecks("/api/health/live", Options(HealthCheckRegistrations.LiveTag)).WithName("HealthLive").WithTags("Operations");
        app.MapGet("/api/metrics", Metrics).WithName("Metrics").WithTags("Operations");
        app.MapGet("/api/ingestion/status", IngestionStatusService.Handle).WithName("IngestionStatus").WithTags("Operations");
        return app;
    }

    private static HealthCheckOptions Options(string tag) => new()
    {
        Predicate = r => r.Tags.Contains(tag),
        ResponseWriter = (context, report) =>
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            return JsonSerializer.SerializeAsync(context.Response.Body, HealthService.ToDocument(report), PipelineJson.Options, context.RequestAborted);
        },
    };
}
