using Microsoft.AspNetCore.Builder;
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
        // The same handlers as the Functions triggers, over ASP.NET Core's HealthCheckService filtered by tag.
        app.MapGet("/api/health", (HealthService h, CancellationToken ct) => Health(h, ct)).WithName("Health").WithTags("Operations")
            .Produces<HealthReport>().Produces<HealthReport>(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/api/health/ready", (HealthService h, CancellationToken ct) => Health(h, ct)).WithName("HealthReady").WithTags("Operations")
            .Produces<HealthReport>().Produces<HealthReport>(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/api/health/live", (HealthService h, CancellationToken ct) => Live(h, ct)).WithName("HealthLive").WithTags("Operations")
            .Produces<HealthReport>();
        app.MapGet("/api/metrics", async (HttpContext context) =>
            {
                await Metrics(context);
                return Results.Empty;
            }).WithName("Metrics").WithTags("Operations").Produces<string>(contentType: "text/plain");
        app.MapGet("/api/ingestion/status", IngestionStatusService.Handle).WithName("IngestionStatus").WithTags("Operations").Produces<IngestionStatus>();
        return app;
    }
}
