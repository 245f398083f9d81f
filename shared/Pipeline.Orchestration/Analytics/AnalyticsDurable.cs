using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Pipeline.Orchestration.Analytics;

internal static class AnalyticsDurable
{
    /// <summary>The trends aggregation's orchestrators and activities, declared once (see <see cref="PipelineDurable"/>).</summary>
    public static IReadOnlyList<DurableTaskDeclaration> Tasks { get; } =
    [
        DurableTaskDeclaration.Orchestrator<AggregateTrendsOrchestrator>(),
        DurableTaskDeclaration.Orchestrator<RunSparkTrendsJobOrchestrator>(),
        DurableTaskDeclaration.Activity<PrepareTrendsSnapshotActivity>(),
        DurableTaskDeclaration.Activity<RunDuckDbTrendsJobActivity>(),
        DurableTaskDeclaration.Activity<SubmitSparkTrendsJobActivity>(),
        DurableTaskDeclaration.Activity<GetSparkTrendsJobStateActivity>(),
        DurableTaskDeclaration.Activity<CollectSparkTrendsJobActivity>(),
        DurableTaskDeclaration.Activity<RecordTrendsRunActivity>(),
    ];

    public static void Register(DurableTaskRegistry registry) => PipelineDurable.Register(registry, Tasks);

    /// <summary>The activities as DI services (the Functions wrappers resolve them) and the starter. Call after
    /// <c>AddPipelineAnalytics</c>.</summary>
    public static IServiceCollection AddPipelineAnalyticsOrchestration(this IServiceCollection services)
    {
        services.AddActivities(Tasks);
        services.TryAddSingleton<AggregateTrendsStarter>();
        return services;
    }
}
