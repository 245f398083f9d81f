using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pipeline.Orchestration.Scheduling;

/// <summary>
/// The worker's timers: one loop per enabled <see cref="ScheduledJob"/>, waiting for the schedule's next occurrence and
/// running it (the Functions app has a timer trigger per job instead, calling the same job).
/// </summary>
internal sealed partial class ScheduledJobsService(IEnumerable<ScheduledJob> jobs, DurableTaskClient client, TimeProvider clock, ILogger<ScheduledJobsService> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(jobs.Where(j => j.Enabled).Select(j => RunAsync(j, stoppingToken)));

    private async Task RunAsync(ScheduledJob job, CancellationToken ct)
    {
        var schedule = job.Schedule;
        LogScheduled(logger, job.Name, job.ScheduleExpression, job.ScheduleSetting);
        while (!ct.IsCancellationRequested)
        {
            var next = schedule.Next(clock.GetUtcNow());
            try
            {
                var wait = next - clock.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, clock, ct);
                }
                await job.RunOccurrenceAsync(client, next, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogFailed(logger, ex, job.Name, ScheduledJob.Stamp(next));
            }
        }
    }

    [LoggerMessage(EventId = 4111, Level = LogLevel.Information, Message = "Scheduled job {Job} runs on '{Schedule}' ({Setting})")]
    private static partial void LogScheduled(ILogger logger, string job, string schedule, string setting);

    [LoggerMessage(EventId = 4112, Level = LogLevel.Error, Message = "Scheduled job {Job} could not start its occurrence {Occurrence}; the next occurrence tries again")]
    private static partial void LogFailed(ILogger logger, Exception ex, string job, string occurrence);
}
