using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.ML;
using Pipeline.ML.Training;
using Pipeline.Orchestration.ML;

namespace Pipeline.Orchestration.Scheduling;

/// <summary>Scheduled retraining of every model on <c>Ml:Monitor:RetrainSchedule</c>; ids start <c>retrain-{model}-</c> as
/// every retrain's do (the model routes find a model's last retrain by that prefix). Starts go through
/// <see cref="RetrainStarter"/>: no scheduled retrain while one of the model runs, or within its cool-down.</summary>
public sealed class RetrainModelsJob(IOptions<MlOptions> options, Pipeline.Storage.IDocumentStore store, ILogger<RetrainModelsJob> logger) : ScheduledJob(logger)
{
    public override string Name => "retrain-models";

    public override string ScheduleSetting => "Ml:Monitor:RetrainSchedule";

    public override string ScheduleExpression => options.Value.Monitor.RetrainSchedule;

    public override bool Enabled => true;

    internal override IReadOnlyList<ScheduledStart> StartsFor(DateTimeOffset occurrence) =>
        ModelNames.All.Select(model => new ScheduledStart($"retrain-{model}-{Stamp(occurrence)}-sched", nameof(RetrainModelOrchestrator),
            new RetrainRequest(model, "scheduled retraining", "schedule"))).ToList();

    private protected override async Task<bool> StartAsync(Microsoft.DurableTask.Client.DurableTaskClient client, ScheduledStart start, CancellationToken ct)
    {
        var request = (RetrainRequest)start.Input!;
        var result = await RetrainStarter.StartAsync(client, store, options.Value, request.Model, request.Reason, request.Trigger, ct, start.InstanceId);
        return result.Started;
    }
}
