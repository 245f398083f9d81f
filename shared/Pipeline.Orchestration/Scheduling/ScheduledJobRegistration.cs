using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Pipeline.Orchestration.Scheduling;

/// <summary>The scheduled jobs, declared once for both hosts.</summary>
public static class ScheduledJobRegistration
{
    /// <summary>Every <see cref="ScheduledJob"/> as a singleton, and each under its own type for the Functions timers.</summary>
    public static IServiceCollection AddPipelineScheduledJobs(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        Add<AggregateTrendsJob>(services);
        Add<MonitorModelsJob>(services);
        Add<RetrainModelsJob>(services);
        Add<RedeliverWebhooksJob>(services);
        return services;
    }

    /// <summary>The worker's timers over the same jobs (the Functions app uses its timer triggers instead).</summary>
    public static IServiceCollection AddPipelineSchedulers(this IServiceCollection services)
    {
        services.AddPipelineScheduledJobs();
        services.AddHostedService<ScheduledJobsService>();
        return services;
    }

    private static void Add<TJob>(IServiceCollection services) where TJob : ScheduledJob
    {
        if (services.Any(d => d.ServiceType == typeof(TJob)))
        {
            return;
        }
        services.AddSingleton<TJob>();
        services.AddSingleton<ScheduledJob>(sp => sp.GetRequiredService<TJob>());
    }
}
