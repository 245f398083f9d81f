using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Domain.Scheduling;
using Pipeline.ML;
using Pipeline.ML.Training;

namespace Pipeline.Orchestration.ML;

/// <summary>
/// The local host's timers for the ML lifecycle (the Functions app uses timer triggers instead): starts
/// <see cref="MonitorModelsOrchestrator"/> on <c>Ml:Monitor:Schedule</c> and <see cref="RetrainModelOrchestrator"/> for both
/// models on <c>Ml:Monitor:RetrainSchedule</c> (NCRONTAB, UTC). Register with <c>services.AddHostedService&lt;MlScheduler&gt;()</c>.
/// </summary>
public sealed class MlScheduler(DurableTaskClient client, Pipeline.Storage.IDocumentStore store, IOptions<MlOptions> options, ILogger<MlScheduler> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(
        RunAsync(CronSchedule.Parse(options.Value.Monitor.Schedule), "monitor", StartMonitorAsync, stoppingToken),
        RunAsync(CronSchedule.Parse(options.Value.Monitor.RetrainSchedule), "retrain", StartRetrainAsync, stoppingToken));

    private async Task RunAsync(CronSchedule schedule, string name, Func<DateTimeOffset, CancellationToken, Task> start, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            var next = schedule.Next(DateTimeOffset.UtcNow);
            try
            {
                await Task.Delay(next - DateTimeOffset.UtcNow, ct);
                await start(next, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "ML {Timer} timer could not start its orchestration", name);
            }
        }
    }

    private async Task StartMonitorAsync(DateTimeOffset due, CancellationToken ct)
    {
        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(MonitorModelsOrchestrator), new MonitorRequest(null),
            new Microsoft.DurableTask.StartOrchestrationOptions { InstanceId = $"monitor-models-{due:yyyyMMddHHmmss}" }, ct);
        logger.LogInformation("Started {Instance}", id);
    }

    private async Task StartRetrainAsync(DateTimeOffset due, CancellationToken ct)
    {
        foreach (var model in ModelNames.All)
        {
            var start = await RetrainStarter.StartAsync(client, store, options.Value, model, "scheduled retraining", "schedule", ct);
            logger.LogInformation("Scheduled retrain of {Model}: {Status} ({Instance})", model, start.Status, start.InstanceId);
        }
    }
}
