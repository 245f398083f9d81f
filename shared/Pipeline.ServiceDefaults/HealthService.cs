using System.Diagnostics;

namespace Pipeline.ServiceDefaults;

/// <summary>Runs every registered probe in parallel with a per-probe timeout; healthy only when all are.</summary>
public sealed class HealthService(IEnumerable<IHealthProbe> probes)
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    public async Task<HealthReport> CheckAsync(CancellationToken ct)
    {
        var results = await Task.WhenAll(probes.Select(p => RunAsync(p, ct)));
        var dependencies = results.ToDictionary(r => r.Name, r => r.Health);
        var healthy = results.All(r => r.Health.Status == "healthy");
        return new HealthReport(healthy ? "healthy" : "unhealthy", DateTimeOffset.UtcNow, dependencies);
    }

    private static async Task<(string Name, DependencyHealth Health)> RunAsync(IHealthProbe probe, CancellationToken ct)
    {
        var sw = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            var result = await probe.CheckAsync(timeout.Token).WaitAsync(timeout.Token);
            return (probe.Name, new DependencyHealth(result.Healthy ? "healthy" : "unhealthy", result.Detail, sw.Elapsed.TotalMilliseconds));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (probe.Name, new DependencyHealth("unhealthy", $"no answer within {ProbeTimeout.TotalSeconds:0}s", sw.Elapsed.TotalMilliseconds));
        }
        catch (Exception ex)
        {
            return (probe.Name, new DependencyHealth("unhealthy", ex.GetType().Name + ": " + ex.Message, sw.Elapsed.TotalMilliseconds));
        }
    }
}
