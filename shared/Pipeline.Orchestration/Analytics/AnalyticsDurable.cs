using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Pipeline.Orchestration.Analytics;

public static class AnalyticsDurable
{
    /// <summary>Orchestrators (with their input types, from the TaskOrchestrator generic arguments) and activities of the
    /// trends aggregation, under their class names.</summary>
    public static void Register(DurableTaskRegistry registry)
    {
        registry.AddOrchestrator<AggregateTrendsOrchestrator>();
        registry.AddOrchestrator<RunSparkTrendsJobOrchestrator>();
        registry.AddActivity<PrepareTrendsSnapshotActivity>();
        registry.AddActivity<RunDuckDbTrendsJobActivity>();
        registry.AddActivity<SubmitSparkTrendsJobActivity>();
        registry.AddActivity<GetSparkTrendsJobStateActivity>();
        registry.AddActivity<CollectSparkTrendsJobActivity>();
        registry.AddActivity<RecordTrendsRunActivity>();
    }

    /// <summary>The activities as DI services (the Functions wrappers resolve them), the starter and the local scheduler's
    /// dependencies. Call after <c>AddPipelineAnalytics</c>.</summary>
    public static IServiceCollection AddPipelineAnalyticsOrchestration(this IServiceCollection services)
    {
        services.TryAddTransient<PrepareTrendsSnapshotActivity>();
        services.TryAddTransient<RunDuckDbTrendsJobActivity>();
        services.TryAddTransient<SubmitSparkTrendsJobActivity>();
        services.TryAddTransient<GetSparkTrendsJobStateActivity>();
        services.TryAddTransient<CollectSparkTrendsJobActivity>();
        services.TryAddTransient<RecordTrendsRunActivity>();
        services.TryAddSingleton<AggregateTrendsStarter>();
        return services;
    }
}
