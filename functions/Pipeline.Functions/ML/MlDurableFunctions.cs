using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Pipeline.ML.Monitoring;
using Pipeline.ML.Training;
using Pipeline.Orchestration.ML;
using Pipeline.Orchestration.Scheduling;

namespace Pipeline.Functions.ML;

/// <summary>Durable wrappers: orchestrators and activities run the shared classes; timers start the monitor and the scheduled retrain.</summary>
public sealed class MlDurableFunctions(
    BuildDatasetActivity buildDataset,
    CrossValidateActivity crossValidate,
    TrainBestActivity trainBest,
    EvaluateModelActivity evaluate,
    GateAndRegisterActivity gateAndRegister,
    ActivateChampionActivity activateChampion,
    ResolveOutcomesActivity resolveOutcomes,
    MonitorModelActivity monitorModel,
    SendAlertActivity sendAlert,
    Pipeline.Storage.IDocumentStore store,
    Microsoft.Extensions.Options.IOptions<Pipeline.ML.MlOptions> options,
    MonitorModelsJob monitorJob,
    RetrainModelsJob retrainJob,
    TimeProvider clock)
{
    [Function(nameof(RetrainModelOrchestrator))]
    public Task<RetrainResult> RetrainModelOrchestrator([OrchestrationTrigger] TaskOrchestrationContext ctx) =>
        new RetrainModelOrchestrator().RunAsync(ctx, ctx.GetInput<RetrainRequest>()!);

    [Function(nameof(MonitorModelsOrchestrator))]
    public Task<MonitorResult> MonitorModelsOrchestrator([OrchestrationTrigger] TaskOrchestrationContext ctx) =>
        new MonitorModelsOrchestrator().RunAsync(ctx, ctx.GetInput<MonitorRequest>());

    [Function(nameof(BuildDatasetActivity))]
    public Task<DatasetRef> BuildDatasetActivity([ActivityTrigger] RetrainRequest input) => buildDataset.ExecuteAsync(input);

    [Function(nameof(CrossValidateActivity))]
    public Task<CrossValidationResult> CrossValidateActivity([ActivityTrigger] DatasetRef input) => crossValidate.ExecuteAsync(input);

    [Function(nameof(TrainBestActivity))]
    public Task<TrainedRef> TrainBestActivity([ActivityTrigger] TrainBestInput input) => trainBest.ExecuteAsync(input);

    [Function(nameof(EvaluateModelActivity))]
    public Task<EvaluationRef> EvaluateModelActivity([ActivityTrigger] EvaluateInput input) => evaluate.ExecuteAsync(input);

    [Function(nameof(GateAndRegisterActivity))]
    public Task<RegisteredVersion> GateAndRegisterActivity([ActivityTrigger] RegistrationRequest input) => gateAndRegister.ExecuteAsync(input);

    [Function(nameof(ActivateChampionActivity))]
    public Task<int?> ActivateChampionActivity([ActivityTrigger] ActivateInput input) => activateChampion.ExecuteAsync(input);

    [Function(nameof(ResolveOutcomesActivity))]
    public Task<int> ResolveOutcomesActivity([ActivityTrigger] int input) => resolveOutcomes.ExecuteAsync(input);

    [Function(nameof(MonitorModelActivity))]
    public Task<MonitorSummary> MonitorModelActivity([ActivityTrigger] string input) => monitorModel.ExecuteAsync(input);

    [Function(nameof(SendAlertActivity))]
    public Task<bool> SendAlertActivity([ActivityTrigger] MlAlert input) => sendAlert.ExecuteAsync(input);

    /// <summary>The monitor's single-flight retrain start (the client comes from the Durable binding here).</summary>
    [Function(nameof(StartRetrainActivity))]
    public Task<RetrainStart> StartRetrainActivity([ActivityTrigger] StartRetrainInput input, [DurableClient] DurableTaskClient client) =>
        RetrainStarter.StartAsync(client, store, options.Value, input.Model, input.Reason, input.Trigger);

    /// <summary>Runs <see cref="MonitorModelsJob"/> on <c>Ml:Monitor:Schedule</c> (NCRONTAB, e.g. "0 */30 * * * *").</summary>
    [Function("MonitorModelsTimer")]
    public Task MonitorModelsTimer([TimerTrigger("%Ml:Monitor:Schedule%")] TimerInfo timer, [DurableClient] DurableTaskClient client) =>
        monitorJob.RunFiredAsync(client, clock.GetUtcNow());

    /// <summary>Runs <see cref="RetrainModelsJob"/> (both models) on <c>Ml:Monitor:RetrainSchedule</c> (e.g. "0 0 3 * * 0").</summary>
    [Function("RetrainModelsTimer")]
    public Task RetrainModelsTimer([TimerTrigger("%Ml:Monitor:RetrainSchedule%")] TimerInfo timer, [DurableClient] DurableTaskClient client) =>
        retrainJob.RunFiredAsync(client, clock.GetUtcNow());
}
