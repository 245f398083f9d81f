using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace Pipeline.Orchestration.ML;

/// <summary>The ML lifecycle's orchestrators and activities, declared once (see <see cref="PipelineDurable"/>).</summary>
internal static class MlDurable
{
    public static IReadOnlyList<DurableTaskDeclaration> Tasks { get; } =
    [
        DurableTaskDeclaration.Orchestrator<RetrainModelOrchestrator>(),
        DurableTaskDeclaration.Orchestrator<MonitorModelsOrchestrator>(),
        DurableTaskDeclaration.Activity<BuildDatasetActivity>(),
        DurableTaskDeclaration.Activity<CrossValidateActivity>(),
        DurableTaskDeclaration.Activity<TrainBestActivity>(),
        DurableTaskDeclaration.Activity<EvaluateModelActivity>(),
        DurableTaskDeclaration.Activity<GateAndRegisterActivity>(),
        DurableTaskDeclaration.Activity<ActivateChampionActivity>(),
        DurableTaskDeclaration.Activity<ResolveOutcomesActivity>(),
        DurableTaskDeclaration.Activity<MonitorModelActivity>(),
        DurableTaskDeclaration.Activity<SendAlertActivity>(),
        DurableTaskDeclaration.Activity<StartRetrainActivity>(),
    ];

    public static void Register(DurableTaskRegistry r) => PipelineDurable.Register(r, Tasks);

    /// <summary>Activity classes as DI services, for the Azure Functions wrappers that call ExecuteAsync.</summary>
    public static IServiceCollection AddPipelineMlActivities(this IServiceCollection services) => services.AddActivities(Tasks);
}
