using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.ML;
using Pipeline.ML.Training;
using Pipeline.Orchestration.ML;

namespace Pipeline.Orchestration.Scheduling;

/// <summary>Scheduled retraining of every model on <c>Ml:Monitor:RetrainSchedule</c>; ids start <c>retrain-{model}-</c> as
/// every retrain's do (the model routes find a model's last retrain by that prefix).</summary>
public sealed class RetrainModelsJob(IOptions<MlOptions> options, ILogger<RetrainModelsJob> logger) : ScheduledJob(logger)
{
    public override string Name => "retrain-models";

    public override string ScheduleSetting => "Ml:Monitor:RetrainSchedule";

    public override string ScheduleExpression => options.Value.Monitor.RetrainSchedule;

    public override bool Enabled => true;

    public override IReadOnlyList<ScheduledStart> StartsFor(DateTimeOffset occurrence) =>
        ModelNames.All.Select(model => new ScheduledStart($"retrain-{model}-{Stamp(occurrence)}-sched", nameof(RetrainModelOrchestrator),
            new RetrainRequest(model, "scheduled retraining", "schedule"))).ToList();
}
