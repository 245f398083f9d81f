using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Analytics;
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
using Pipeline.Ingestion.Archive;
using Pipeline.Ingestion.Kafka;
using Pipeline.Ingestion.Polling;
using Pipeline.Ingestion.Webhooks;
using Microsoft.Extensions.Logging;
using Pipeline.ML;
using Pipeline.ML.Serving;
using Pipeline.Orchestration.Analytics;
using Pipeline.Orchestration.Backfill;
using Pipeline.Orchestration.ML;
using Pipeline.Storage;
using Pipeline.Storage.Events;

namespace Pipeline.Api;

/// <summary>
/// Composition root shared by both hosts: the Azure Functions app and the local host register the same services here,
/// so a trigger and a local route resolve the same implementation.
/// </summary>
public static class PipelineComposition
{
    public static IServiceCollection AddPipeline(this IServiceCollection services, IConfiguration configuration, PipelineRole role)
    {
        services.AddOptions<HostingOptions>().Bind(configuration.GetSection(HostingOptions.SectionName));
        services.AddPipelineHealthChecks();
        services.AddPipelineOpenApi();
        services.AddSingleton<IngestionStatusService>();

        // Data plane: every role writes to or reads from the store and the topic. The consumer's sink logs a prediction
        // for each newly opened issue, so ML serving is part of every role that consumes.
        services.AddSingleton<EventSink>();
        services.AddSingleton<IEventSink>(sp => new PredictingEventSink(
            sp.GetRequiredService<EventSink>(), sp.GetRequiredService<PredictionService>(), sp.GetRequiredService<ILogger<PredictingEventSink>>()));
        services.AddPipelineMl(configuration);
        services.AddPipelineStore(configuration);
        services.AddPipelineKafka(configuration);
        services.AddSingleton<IHealthProbe, StoreProbe>();
        services.AddSingleton<IHealthProbe, KafkaProbe>();
        services.AddSingleton<IHealthProbe, BlobStorageProbe>();
        if (role != PipelineRole.Api)
        {
            services.AddPipelineConsumer();
            services.AddSingleton<IHealthProbe, ConsumerProbe>();
        }
        if (role == PipelineRole.Consumer)
        {
            return services;
        }

        // Ingestion sources, analytics, ML and audit: the HTTP app and its orchestrations.
        services.AddPipelineWebhooks(configuration);
        services.AddPipelinePoller(configuration);
        services.AddPipelineBackfill(configuration);
        services.AddBackfillOrchestration();
        services.AddPipelineAnalytics(configuration);
        services.AddPipelineAnalyticsOrchestration();
        services.AddPipelineMlActivities();
        services.AddPipelineAudit(configuration);
        return services;
    }

    /// <summary>Maps every /api route and the dashboard for the local host (the Functions app declares the same routes as triggers).</summary>
    public static IEndpointRouteBuilder MapPipelineEndpoints(this IEndpointRouteBuilder app, PipelineRole role)
    {
        app.MapOperationsEndpoints();
        app.MapPipelineOpenApi();
        if (role == PipelineRole.Consumer)
        {
            return app;
        }
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
