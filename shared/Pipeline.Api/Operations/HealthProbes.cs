using Azure.Storage.Blobs;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Pipeline.Ingestion.Consumer;
using Pipeline.Ingestion.Kafka;
using Pipeline.Storage;

namespace Pipeline.Api.Operations;

/// <summary>The document store answers a ping and its collections exist.</summary>
public sealed class StoreProbe(StoreHealth store) : IHealthProbe
{
    public string Name => "store";

    public async Task<ProbeResult> CheckAsync(CancellationToken ct)
    {
        var report = await store.CheckAsync(ct: ct);
        return new ProbeResult(report.Healthy, $"{report.Provider}: {report.Status} ({report.LatencyMs:0.0} ms)");
    }
}

/// <summary>The broker answers a metadata request and both topics exist (the ingestion area's probe).</summary>
public sealed class KafkaProbe(KafkaHealthProbe kafka) : IHealthProbe
{
    public string Name => "kafka";

    public async Task<ProbeResult> CheckAsync(CancellationToken ct)
    {
        var h = await kafka.CheckAsync(TimeSpan.FromSeconds(2), ct);
        return new ProbeResult(h.Healthy, h.Healthy
            ? $"{h.Brokers} broker(s) at {h.BootstrapServers}, events topic with {h.TopicPartitions} partitions, dead-letter topic present"
            : $"{h.BootstrapServers}: {h.Error}");
    }
}

/// <summary>The hosted consumer has joined its group and is not stuck on a store outage or a fault.</summary>
public sealed class ConsumerProbe(ConsumerStatusTracker status) : IHealthProbe
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

/// <summary>Blob storage (model artifacts, Parquet snapshots) on the AzureWebJobsStorage account answers.</summary>
public sealed class BlobStorageProbe(IConfiguration configuration) : IHealthProbe
{
    public string Name => "blobs";

    public async Task<ProbeResult> CheckAsync(CancellationToken ct)
    {
        var connection = configuration["AzureWebJobsStorage"];
        if (string.IsNullOrWhiteSpace(connection))
        {
            return ProbeResult.Down("AzureWebJobsStorage is not set");
        }
        var client = new BlobServiceClient(connection);
        await client.GetPropertiesAsync(ct);
        return ProbeResult.Ok(client.Uri.GetLeftPart(UriPartial.Authority));
    }
}

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

/// <summary>Start-up work (schema, sample data, first models) that must finish before the app reports ready.</summary>
public sealed class WarmupStatus : IHealthProbe
{
    private volatile string _detail = "starting";
    private volatile bool _done;

    public string Name => "warmup";

    public void Report(string detail) => _detail = detail;

    public void Complete(string detail)
    {
        _detail = detail;
        _done = true;
    }

    public Task<ProbeResult> CheckAsync(CancellationToken ct) => Task.FromResult(new ProbeResult(_done, _detail));
}
