using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.ML;
using Pipeline.Orchestration.ML;

namespace Pipeline.Orchestration.Scheduling;

/// <summary>The monitoring pass on <c>Ml:Monitor:Schedule</c>.</summary>
public sealed class MonitorModelsJob(IOptions<MlOptions> options, ILogger<MonitorModelsJob> logger) : ScheduledJob(logger)
{
    public override string Name => "monitor-models";

    public override string ScheduleSetting => "Ml:Monitor:Schedule";

    public override string ScheduleExpression => options.Value.Monitor.Schedule;

    public override bool Enabled => true;

    internal override IReadOnlyList<ScheduledStart> StartsFor(DateTimeOffset occurrence) =>
        [new($"{Name}-{Stamp(occurrence)}", nameof(MonitorModelsOrchestrator), new MonitorRequest(null))];
}
