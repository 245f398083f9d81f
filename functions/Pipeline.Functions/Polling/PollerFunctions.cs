using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Pipeline.Ingestion.Polling;

namespace Pipeline.Functions.Polling;

/// <summary>Polls the configured repositories on <c>Poller:Schedule</c> (default every 5 minutes).</summary>
public sealed class PollerFunctions(GitHubPoller poller, ILogger<PollerFunctions> logger)
{
    [Function("GitHubPoller")]
    public async Task GitHubPoller([TimerTrigger("%Poller:Schedule%")] TimerInfo timer, CancellationToken ct)
    {
        if (timer.IsPastDue) PollerFunctionsLog.PollerTimerPastDue(logger);
        await poller.PollAllAsync(ct);
    }
}

/// <summary>The source-generated log messages of PollerFunctions (event ids: docs/architecture.md).</summary>
internal static partial class PollerFunctionsLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "GitHub poller timer is past due; polling now")]
    public static partial void PollerTimerPastDue(ILogger logger);
}
