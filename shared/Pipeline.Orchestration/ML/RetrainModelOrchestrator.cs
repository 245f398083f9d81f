using Microsoft.DurableTask;
using Pipeline.Notifications;
using Pipeline.Orchestration.Notifications;

namespace Pipeline.Orchestration.ML;

/// <summary>
/// Retraining: BuildDataset → CrossValidate (grid) → TrainBest → Evaluate → GateAndRegister → ActivateChampion (hot-swap).
/// Custom status names the current stage. Started only through <see cref="RetrainStarter"/> (single-flight) by HTTP
/// (POST /api/models/{name}/retrain), the schedule, and <see cref="MonitorModelsOrchestrator"/>. A store failure while
/// building the data set fails the activity, which is retried (3 attempts), and then the run: it never trains on
/// synthetic data instead.
/// </summary>
public sealed class RetrainModelOrchestrator : TaskOrchestrator<RetrainRequest, RetrainResult>
{
    private static readonly TaskOptions Retry = TaskOptions.FromRetryPolicy(new RetryPolicy(3, TimeSpan.FromSeconds(5), 2));

    public override async Task<RetrainResult> RunAsync(TaskOrchestrationContext context, RetrainRequest input)
    {
        Pipeline.ML.Training.ModelNames.EnsureKnown(input.Model);
        var started = context.CurrentUtcDateTime;
        var runId = $"{input.Model}-{context.InstanceId}";
        if (runId.Length > 120) runId = runId[..120];

        context.SetCustomStatus(new { stage = "build_dataset", input.Model, input.Trigger });
        var dataset = await context.CallActivityAsync<Pipeline.ML.Training.DatasetRef>(nameof(BuildDatasetActivity), input, Retry);

        context.SetCustomStatus(new { stage = "cross_validate", input.Model, dataset.Hash, dataset.Size });
        var cv = await context.CallActivityAsync<Pipeline.ML.Training.CrossValidationResult>(nameof(CrossValidateActivity), dataset);

        context.SetCustomStatus(new { stage = "train_best", input.Model, best = cv.Best.Describe() });
        var trained = await context.CallActivityAsync<Pipeline.ML.Training.TrainedRef>(nameof(TrainBestActivity), new TrainBestInput(dataset, cv.Best, runId));

        context.SetCustomStatus(new { stage = "evaluate", input.Model });
        var evaluation = await context.CallActivityAsync<Pipeline.ML.Training.EvaluationRef>(nameof(EvaluateModelActivity), new EvaluateInput(dataset, trained));

        context.SetCustomStatus(new { stage = "gate_register", input.Model });
        var registered = await context.CallActivityAsync<RegisteredVersion>(nameof(GateAndRegisterActivity),
            new Pipeline.ML.Training.RegistrationRequest(runId, $"{input.Trigger}: {input.Reason}", dataset, cv, trained, evaluation) { StartedAt = started }, Retry);

        int? serving = null;
        if (registered.Decision == "promoted")
        {
            context.SetCustomStatus(new { stage = "hot_swap", input.Model, registered.Version });
            serving = await context.CallActivityAsync<int?>(nameof(ActivateChampionActivity), new ActivateInput(input.Model, registered.Version), Retry);
        }
        context.SetCustomStatus(new { stage = "done", input.Model, registered.Version, registered.Decision });
        var ended = context.CurrentUtcDateTime;
        var facts = new List<string>
        {
            $"decision: {registered.Decision} (version {registered.Version}): {registered.Reason}",
            $"dataset: {dataset.Source}, {dataset.Size} rows, hash {dataset.Hash}",
            $"trigger: {input.Trigger}: {input.Reason}",
        };
        if (registered.Decision != "promoted")
        {
            await context.NotifyAdministratorAsync(new Notification(NotificationKind.GateRejected,
                $"{input.Model}: challenger rejected by the gate", facts, "warning", ended));
        }
        await context.NotifyAdministratorAsync(new Notification(NotificationKind.RetrainCompleted,
            $"{input.Model}: retrain {registered.Decision}", facts, "info", ended));
        return new RetrainResult(input.Model, registered.Version, registered.Decision, registered.Reason, dataset.Hash, dataset.Size, dataset.Source,
            registered.Trainer, registered.TestMetrics, serving);
    }
}
