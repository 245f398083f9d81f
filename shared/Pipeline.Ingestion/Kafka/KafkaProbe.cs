using Pipeline.ServiceDefaults;

namespace Pipeline.Ingestion.Kafka;

/// <summary>The broker answers a metadata request and both topics exist (the ingestion area's probe).</summary>
internal sealed class KafkaProbe(KafkaHealthProbe kafka) : IHealthProbe
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
