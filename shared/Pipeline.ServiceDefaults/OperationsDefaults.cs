using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Pipeline.ServiceDefaults;

/// <summary>
/// The defaults every Pipeline host adds, as eShop's ServiceDefaults: health the ASP.NET Core way
/// (Microsoft.Extensions.Diagnostics.HealthChecks; <c>GET /api/health/live</c> for the process only, <c>GET /api/health/ready</c>
/// for every dependency, <c>GET /api/health</c> kept for compatibility) and <c>GET /api/metrics</c> (Prometheus text of every
/// .NET Meter and prometheus-net metric). Each module registers its own <see cref="IHealthProbe"/> next to the service it checks.
/// </summary>
public static class OperationsDefaults
{
    /// <summary>The health checks. Hosts add their probes (<c>services.AddSingleton&lt;IHealthProbe, …&gt;()</c>).</summary>
    public static IServiceCollection AddPipelineServiceDefaults(this IServiceCollection services) =>
        services.AddOnce("service-defaults", s => s.AddPipelineHealthChecks());

    /// <summary><c>GET /api/health</c> and <c>/api/health/ready</c>: 200 with each dependency's status when all are ready, else 503.</summary>
    public static Task<IResult> Health(HealthService health, CancellationToken ct) => Check(health, HealthCheckRegistrations.ReadyTag, ct);

    /// <summary><c>GET /api/health/live</c>: the process answers (no dependency is asked, so an outage never restarts a pod).</summary>
    public static Task<IResult> Live(HealthService health, CancellationToken ct) => Check(health, HealthCheckRegistrations.LiveTag, ct);

    private static async Task<IResult> Check(HealthService health, string tag, CancellationToken ct)
    {
        var report = await health.CheckAsync(tag, ct);
        return TypedResults.Json(report, statusCode: report.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary><c>GET /api/metrics</c>: Prometheus text exposition of every .NET Meter and prometheus-net metric.</summary>
    public static async Task Metrics(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await Prometheus.Metrics.DefaultRegistry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
    }

    /// <summary>Maps the health routes and <c>/api/metrics</c> (the Functions app declares the same routes as triggers).</summary>
    public static IEndpointRouteBuilder MapPipelineServiceDefaults(this IEndpointRouteBuilder app)
    {
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
        return app;
    }
}
