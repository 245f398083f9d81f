using Microsoft.Extensions.DependencyInjection;

namespace Pipeline.Orchestration.Backfill;

internal static class BackfillServiceCollectionExtensions
{
    /// <summary>The backfill activity for hosts that resolve activities from DI (the Functions wrappers).
    /// Call after <c>AddPipelineBackfill(configuration)</c>.</summary>
    public static IServiceCollection AddBackfillOrchestration(this IServiceCollection services)
    {
        services.AddActivities(BackfillDurable.Tasks);
        return services;
    }
}
