using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Api.Audit;
using Pipeline.Api.Backfill;
using Pipeline.Api.Dashboard;
using Pipeline.Api.Events;
using Pipeline.Api.Management;
using Pipeline.Api.Models;
using Pipeline.Api.OpenApi;
using Pipeline.Api.Operations;
using Pipeline.Api.Predict;
using Pipeline.Api.Trends;
using Pipeline.Api.Webhooks;
using Pipeline.Ingestion.Kafka;
using Pipeline.Ingestion.Webhooks;
using Pipeline.Orchestration;
using Pipeline.ServiceDefaults;

namespace Pipeline.Api;

/// <summary>
/// The services behind the /api routes, for the hosts that serve them (the Functions app's HTTP triggers and the local
/// launcher's minimal-API routes): the webhook receiver, the durable tasks' services (the routes start and
/// query orchestrations) and the probes of the HTTP app. No Kafka consumer: that is the worker's (functions/Pipeline.Worker).
/// </summary>
public static class HttpApiComposition
{
    public static IServiceCollection AddPipelineHttpApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPipelineOrchestrations(configuration);
        services.AddPipelineIngestionTelemetry(configuration);
        services.AddSingleton<IngestionStatusService>();
        services.AddSingleton<IHealthProbe, BlobStorageProbe>();
        services.AddPipelineWebhooks(configuration);
        services.AddPipelineOpenApi();
        return services;
    }

    /// <summary>Maps every /api route and the dashboard for the local launcher (the Functions app declares the same routes as triggers).</summary>
    public static IEndpointRouteBuilder MapPipelineEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapOperationsEndpoints();
        app.MapPipelineOpenApi();
        app.MapWebhookEndpoints();
        app.MapEventsEndpoints();
        app.MapTrendsEndpoints();
        app.MapPredictEndpoints();
        app.MapModelEndpoints();
        app.MapAuditEndpoints();
        app.MapBackfillEndpoints();
        app.MapManagementEndpoints();
        app.MapDashboardEndpoints();
        return app;
    }
}
