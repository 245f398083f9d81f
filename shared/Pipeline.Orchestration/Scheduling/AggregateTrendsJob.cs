using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Analytics;
using Pipeline.Orchestration.Analytics;

namespace Pipeline.Orchestration.Scheduling;

/// <summary>The trends aggregation on <c>Analytics:Schedule</c>, off when <c>Analytics:ScheduleEnabled</c> is false.</summary>
public sealed class AggregateTrendsJob(IOptions<AnalyticsOptions> options, AggregateTrendsStarter starter, ILogger<AggregateTrendsJob> logger)
    : ScheduledJob(logger)
{
    public override string Name => "aggregate-trends";

    public override string ScheduleSetting => "Analytics:Schedule";

    public override string ScheduleExpression => options.Value.Schedule;

    public override bool Enabled => options.Value.ScheduleEnabled;

    internal override IReadOnlyList<ScheduledStart> StartsFor(DateTimeOffset occurrence) =>
        [new($"{Name}-timer-{Stamp(occurrence)}", nameof(AggregateTrendsOrchestrator), starter.CreateInput(new AggregateTrendsRequest(), "timer"))];
}
