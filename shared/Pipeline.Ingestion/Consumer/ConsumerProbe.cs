using Pipeline.ServiceDefaults;

namespace Pipeline.Ingestion.Consumer;

/// <summary>The hosted consumer has joined its group and is not stuck on a store outage or a fault.</summary>
internal sealed class ConsumerProbe(ConsumerStatusTracker status) : IHealthProbe
{
    public string Name => "consumer";

    public Task<ProbeResult> CheckAsync(CancellationToken ct)
    {
        var s = status.Snapshot();
        var detail = $"{s.State}, {s.AssignedPartitions} partition(s), lag {s.Lag}, stored {s.Stored}, dead-lettered {s.DeadLettered}"
            + (s.LastError is null ? "" : $", last error: {s.LastError}");
        // A consumer that has joined its group and holds partitions is ready even before the first message arrives.
        var ready = s.State == ConsumerState.Running || (s.State == ConsumerState.Starting && s.AssignedPartitions > 0);
        return Task.FromResult(new ProbeResult(ready, detail));
    }
}
