using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Ingestion.Redelivery;

namespace Pipeline.Orchestration.Scheduling;

/// <summary>GitHub webhook redelivery on <c>GitHub:Redelivery:Schedule</c>, off when <c>GitHub:Redelivery:ScheduleEnabled</c>
/// is false or no hook is configured. A short run of REST calls, so no orchestration: the occurrence calls
/// <see cref="GitHubRedeliveryService"/> directly (the Functions timer and the worker's scheduler share the singleton).</summary>
public sealed class RedeliverWebhooksJob(IOptions<GitHubRedeliveryOptions> options, GitHubRedeliveryService service, ILogger<RedeliverWebhooksJob> logger)
    : ScheduledJob(logger)
{
    public override string Name => "redeliver-webhooks";

    public override string ScheduleSetting => "GitHub:Redelivery:Schedule";

    public override string ScheduleExpression => options.Value.Schedule;

    public override bool Enabled => options.Value.ScheduleEnabled && options.Value.Hooks.Any(h => !string.IsNullOrWhiteSpace(h));

    internal override IReadOnlyList<ScheduledStart> StartsFor(DateTimeOffset occurrence) => [new($"{Name}-{Stamp(occurrence)}", "", null)];

    /// <summary>The last run's result (for logs and tests).</summary>
    public RedeliveryRunResult? LastResult { get; private set; }

    private protected override async Task<bool> StartAsync(DurableTaskClient client, ScheduledStart start, CancellationToken ct)
    {
        LastResult = await service.RunAsync(ct);
        return true;
    }
}
