using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Pipeline.Orchestration.Scheduling;

namespace Pipeline.Functions.Webhooks;

/// <summary>Runs <see cref="RedeliverWebhooksJob"/> on <c>GitHub:Redelivery:Schedule</c> (default every 10 minutes), the same
/// job object the worker's scheduler runs.</summary>
public sealed class RedeliveryFunctions(RedeliverWebhooksJob job, TimeProvider clock)
{
    [Function("GitHubRedeliveryTimer")]
    public Task GitHubRedeliveryTimer([TimerTrigger("%GitHub:Redelivery:Schedule%")] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken ct) =>
        job.RunFiredAsync(client, clock.GetUtcNow(), ct);
}
