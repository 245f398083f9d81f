using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Pipeline.ServiceDefaults;

/// <summary>
/// The defaults every Pipeline host adds, as eShop's ServiceDefaults: <c>GET /api/health</c> over the registered
/// <see cref="IHealthProbe"/>s and <c>GET /api/metrics</c> (Prometheus text of every .NET Meter and prometheus-net metric).
/// Each module registers its own probe next to the service it checks; options are validated at start by each module's Add….
/// </summary>
public static class OperationsDefaults
{
    /// <summary>The health aggregator. Hosts add their probes (<c>services.AddSingleton&lt;IHealthProbe, …&gt;()</c>).</summary>
    public static IServiceCollection AddPipelineServiceDefaults(this IServiceCollection services)
    {
        services.TryAddSingleton<HealthService>();
        return services;
    }

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

    /// <summary>Maps <c>/api/health</c> and <c>/api/metrics</c> (the Functions app declares the same routes as triggers).</summary>
    public static IEndpointRouteBuilder MapPipelineServiceDefaults(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/health", Health);
        app.MapGet("/api/metrics", Metrics);
        return app;
    }
}
