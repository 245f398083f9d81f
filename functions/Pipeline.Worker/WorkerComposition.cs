using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Pipeline.Ingestion.Kafka;
using Pipeline.Ingestion.Polling;
using Pipeline.ML.Serving;
using Pipeline.Orchestration;
using Pipeline.Orchestration.Scheduling;
using Pipeline.ServiceDefaults;
using Pipeline.Storage;

namespace Pipeline.Worker;

/// <summary>
/// The worker host's composition, in two parts a process adds as it needs them (eShop style: one Add… per capability).
/// Production (Kubernetes, Container Apps) runs the consumer; the local launcher adds both over its Durable Task sidecar.
/// </summary>
public static class WorkerComposition
{
    /// <summary>
    /// The hosted Kafka consumer and its downstream in order: the store, then the batch handlers modules subscribe (the ML
    /// module's predictions handler when <c>Ml:LogPredictionsForOpenedIssues</c> is on). Nothing else: no HTTP app, no timers.
    /// </summary>
    public static IServiceCollection AddPipelineConsumerWorker(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPipelineServiceDefaults();
        services.AddOnce("store", s => s.AddPipelineStore(configuration));
        services.AddOnce("kafka", s => s.AddPipelineKafka(configuration));
        services.AddPipelineConsumer();
        services.AddPipelineIngestionTelemetry(configuration);
        services.AddPipelinePredictionLogging(configuration);
        return services;
    }

    /// <summary>
    /// The Durable Task worker (every task of <see cref="PipelineDurable"/>) and client over the gRPC endpoint at
    /// <paramref name="grpcAddress"/>, and the schedulers that start orchestrations on their schedules (poller, trends
    /// aggregation, model monitor and retrain), with what those tasks need (<see cref="OrchestrationComposition"/>).
    /// </summary>
    public static IServiceCollection AddPipelineDurableWorker(this IServiceCollection services, IConfiguration configuration, string grpcAddress)
    {
        services.AddPipelineOrchestrations(configuration);
        services.AddDurableTaskClient(b => b.UseGrpc(grpcAddress));
        services.AddDurableTaskWorker(b =>
        {
            b.UseGrpc(grpcAddress);
            b.AddTasks(PipelineDurable.Register);
        });
        services.AddSingleton<IHealthProbe, DurableProbe>();
        services.AddPipelinePollerHostedService();
        services.AddPipelineSchedulers();
        return services;
    }
}
