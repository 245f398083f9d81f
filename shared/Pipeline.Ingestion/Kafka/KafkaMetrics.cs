using System.Diagnostics.Metrics;

namespace Pipeline.Ingestion.Kafka;

/// <summary>OpenTelemetry-style instruments of the Kafka path, on Meter <c>Pipeline.Ingestion</c>.</summary>
internal static class KafkaMetrics
{
    public const string MeterName = "Pipeline.Ingestion";

    public static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> Published = Meter.CreateCounter<long>("kafka.published", "{event}", "Events acknowledged by the broker");
    public static readonly Counter<long> PublishFailed = Meter.CreateCounter<long>("kafka.publish_failed", "{event}", "Events the broker did not acknowledge");
    public static readonly Counter<long> ClaimChecked = Meter.CreateCounter<long>("kafka.claim_checked", "{event}", "Events published as a claim check (value in blob storage)");
    public static readonly Counter<long> Consumed = Meter.CreateCounter<long>("consumer.consumed", "{message}", "Messages read from the events topic");
    public static readonly Counter<long> Stored = Meter.CreateCounter<long>("consumer.stored", "{event}", "Events newly written to the store");
    public static readonly Counter<long> Duplicates = Meter.CreateCounter<long>("consumer.duplicates", "{event}", "Events the store already had (redelivery)");
    public static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>("consumer.dead_lettered", "{message}", "Messages sent to the dead-letter topic");
    public static readonly Counter<long> StoreOutages = Meter.CreateCounter<long>("consumer.store_outages", "{outage}", "Times consumption paused for a store outage");
    public static readonly Histogram<double> BatchSeconds = Meter.CreateHistogram<double>("consumer.batch_duration", "s", "Time to write and commit one batch");
}
