using Microsoft.DurableTask.Client;
using Pipeline.ServiceDefaults;

namespace Pipeline.Orchestration;

/// <summary>The Durable Task backend answers an instance query (round trip through the sidecar to storage).</summary>
public sealed class DurableProbe(DurableTaskClient client) : IHealthProbe
{
    public string Name => "durable";

    public async Task<ProbeResult> CheckAsync(CancellationToken ct)
    {
        await client.GetInstanceAsync("health-probe", ct);
        return ProbeResult.Ok("task hub reachable");
    }
}
