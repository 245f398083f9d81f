using Pipeline.ServiceDefaults;

namespace Pipeline.Storage;

/// <summary>The document store answers a ping and its collections exist.</summary>
internal sealed class StoreProbe(StoreHealth store) : IHealthProbe
{
    public string Name => "store";

    public async Task<ProbeResult> CheckAsync(CancellationToken ct)
    {
        var report = await store.CheckAsync(ct: ct);
        return new ProbeResult(report.Healthy, $"{report.Provider}: {report.Status} ({report.LatencyMs:0.0} ms)");
    }
}
