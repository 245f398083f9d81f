using Pipeline.Domain.Scheduling;

namespace Pipeline.LocalHost;

/// <summary>
/// A timer trigger for the local host: runs <paramref name="work"/> on the same NCRONTAB schedule string the Functions app's
/// [TimerTrigger] uses. A failing run is logged and the next occurrence still fires, as in the Functions host.
/// </summary>
public sealed class ScheduledJob(string name, string schedule, Func<IServiceProvider, CancellationToken, Task> work, IServiceProvider services, ILogger<ScheduledJob> logger)
    : BackgroundService
{
    private readonly CronSchedule _schedule = CronSchedule.Parse(schedule);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        logger.LogInformation("Timer {Name} scheduled '{Schedule}'", name, _schedule.Expression);
        while (!stoppingToken.IsCancellationRequested)
        {
            var next = _schedule.Next(DateTimeOffset.UtcNow);
            var delay = next - DateTimeOffset.UtcNow;
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, stoppingToken);
            }
            try
            {
                await using var scope = services.CreateAsyncScope();
                await work(scope.ServiceProvider, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Timer {Name} failed; next run at the next occurrence", name);
            }
        }
    }
}
