using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Domain.Scheduling;

namespace Pipeline.Ingestion.Polling;

/// <summary>
/// The local host's stand-in for the Functions timer: runs <see cref="GitHubPoller.PollAllAsync"/> on
/// <c>Poller:Schedule</c> (the same six-field NCRONTAB the timer trigger reads, evaluated by the shared <see cref="TimerSchedule"/>), or every
/// <c>Poller:IntervalSeconds</c> when that is set. Does nothing when no repository is configured or <c>Poller:Enabled</c> is false.
/// A failed run is logged and the schedule goes on.
/// </summary>
internal sealed class PollerHostedService(GitHubPoller poller, IOptions<PollerOptions> options, ILogger<PollerHostedService> logger, TimeProvider? time = null) : BackgroundService
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Enabled || o.RepositoryList().Count == 0)
        {
            PollerHostedServiceLog.PollerIdle(logger, !o.Enabled ? "Poller:Enabled is false" : "no Poller:Repositories configured");
            return;
        }
        var cron = o.IntervalSeconds > 0 ? null : TimerSchedule.Parse(o.Schedule);
        PollerHostedServiceLog.PollerScheduled(logger, string.Join(", ", o.RepositoryList()), cron is null ? $"every {o.IntervalSeconds} s (Poller:IntervalSeconds)" : $"'{o.Schedule}' (Poller:Schedule)");
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = _time.GetUtcNow();
            var next = cron is null ? now.AddSeconds(o.IntervalSeconds) : cron.Next(now);
            try
            {
                await Task.Delay(next - now, _time, stoppingToken).ConfigureAwait(false);
                await poller.PollAllAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                PollerHostedServiceLog.PollRunFailed(logger, ex);
            }
        }
    }
}

/// <summary>The source-generated log messages of PollerHostedService (event ids: docs/architecture.md).</summary>
internal static partial class PollerHostedServiceLog
{
    [LoggerMessage(EventId = 1125, Level = LogLevel.Information, Message = "GitHub poller idle: {Why}")]
    public static partial void PollerIdle(ILogger logger, string why);

    [LoggerMessage(EventId = 1126, Level = LogLevel.Information, Message = "GitHub poller polls {Repos} on {Schedule}")]
    public static partial void PollerScheduled(ILogger logger, string repos, string schedule);

    [LoggerMessage(EventId = 1127, Level = LogLevel.Error, Message = "GitHub poll run failed; next run on schedule")]
    public static partial void PollRunFailed(ILogger logger, Exception exception);
}
