using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Analytics;
using Pipeline.Domain.Scheduling;

namespace Pipeline.Orchestration.Analytics;

/// <summary>
/// The local host's timer for the aggregation (the Functions app uses a TimerTrigger on the same <c>Analytics:Schedule</c>).
/// Each occurrence schedules one run with an instance id derived from the occurrence time, so two hosts or a restart
/// within the same minute do not start it twice.
/// </summary>
public sealed class AggregateTrendsScheduler(
    DurableTaskClient client,
    AggregateTrendsStarter starter,
    IOptions<AnalyticsOptions> options,
    TimeProvider clock,
    ILogger<AggregateTrendsScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ScheduleEnabled)
        {
            logger.LogInformation("Trends aggregation schedule disabled (Analytics:ScheduleEnabled=false)");
            return;
        }
        var schedule = CronSchedule.Parse(options.Value.Schedule);
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var next = schedule.Next(now);
            await Task.Delay(next - now, clock, stoppingToken);
            var instanceId = $"aggregate-trends-timer-{next:yyyyMMddTHHmmss}";
            try
            {
                var existing = await client.GetInstanceAsync(instanceId, stoppingToken);
                if (existing is null)
                {
                    await starter.StartAsync(client, new AggregateTrendsRequest(), "timer", instanceId, stoppingToken);
                    logger.LogInformation("Scheduled trends aggregation {InstanceId}", instanceId);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Could not schedule trends aggregation {InstanceId}; the next occurrence will try again", instanceId);
            }
        }
    }
}
