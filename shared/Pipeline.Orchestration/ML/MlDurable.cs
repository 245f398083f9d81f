using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace Pipeline.Orchestration.ML;

/// <summary>Durable registrations of the ML lifecycle (orchestrators with the input type GetInput reads, and activities).</summary>
public static class MlDurable
{
    public static void Register(DurableTaskRegistry r)
    {
        r.AddOrchestrator<RetrainModelOrchestrator>();
        r.AddOrchestrator<MonitorModelsOrchestrator>();
        r.AddActivity<BuildDatasetActivity>();
        r.AddActivity<CrossValidateActivity>();
        r.AddActivity<TrainBestActivity>();
        r.AddActivity<EvaluateModelActivity>();
        r.AddActivity<GateAndRegisterActivity>();
        r.AddActivity<ActivateChampionActivity>();
        r.AddActivity<ResolveOutcomesActivity>();
        r.AddActivity<MonitorModelActivity>();
        r.AddActivity<SendAlertActivity>();
        r.AddActivity<StartRetrainActivity>();
    }

    /// <summary>Activity classes as DI services, for the Azure Functions wrappers that call ExecuteAsync.</summary>
    public static IServiceCollection AddPipelineMlActivities(this IServiceCollection services)
    {
        services.AddTransient<BuildDatasetActivity>();
        services.AddTransient<CrossValidateActivity>();
        services.AddTransient<TrainBestActivity>();
        services.AddTransient<EvaluateModelActivity>();
        services.AddTransient<GateAndRegisterActivity>();
        services.AddTransient<ActivateChampionActivity>();
        services.AddTransient<ResolveOutcomesActivity>();
        services.AddTransient<MonitorModelActivity>();
        services.AddTransient<SendAlertActivity>();
        services.AddTransient<StartRetrainActivity>();
        return services;
    }
}
