using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Analytics;
using Pipeline.Ingestion.Archive;
using Pipeline.Ingestion.Kafka;
using Pipeline.Ingestion.Polling;
using Pipeline.Ingestion.Redelivery;
using Pipeline.ML;
using Pipeline.Notifications;
using Pipeline.Orchestration.Analytics;
using Pipeline.Orchestration.Audit;
using Pipeline.Orchestration.Backfill;
using Pipeline.Orchestration.ML;
using Pipeline.Orchestration.Notifications;
using Pipeline.Orchestration.Scheduling;
using Pipeline.ServiceDefaults;
using Pipeline.Storage;

namespace Pipeline.Orchestration;

/// <summary>
/// What the durable tasks of <see cref="PipelineDurable"/> need, for every host that runs them (the Functions app and
/// the worker's Durable Task worker): the store, the Kafka producer (backfill publishes), analytics, ML, audit, the
/// activities as DI services, the poller, the starters and the scheduled jobs. Safe to call more than once (a host that serves HTTP and runs
/// the durable worker calls it twice).
/// </summary>
public static class OrchestrationComposition
{
    public static IServiceCollection AddPipelineOrchestrations(this IServiceCollection services, IConfiguration configuration)
    {
        return services.AddOnce("orchestrations", s =>
        {
            s.AddPipelineServiceDefaults();
            s.AddOnce("store", x => x.AddPipelineStore(configuration));
            s.AddOnce("kafka", x => x.AddPipelineKafka(configuration));
            s.AddOnce("ml", x => x.AddPipelineMl(configuration));
            s.AddPipelinePoller(configuration);
            s.AddPipelineBackfill(configuration);
            s.AddBackfillOrchestration();
            s.AddPipelineAnalytics(configuration);
            s.AddPipelineAnalyticsOrchestration();
            s.AddPipelineMlActivities();
            s.AddPipelineAudit(configuration);
            s.AddPipelineNotifications(configuration);
            s.AddActivities(NotificationsDurable.Tasks);
            s.AddPipelineRedelivery(configuration);
            s.AddPipelineScheduledJobs();
        });
    }
}
