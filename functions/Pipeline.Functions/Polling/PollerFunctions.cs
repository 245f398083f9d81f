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
        if (timer.IsPastDue) logger.LogWarning("GitHub poller timer is past due; polling now");
        await poller.PollAllAsync(ct);
    }
}
