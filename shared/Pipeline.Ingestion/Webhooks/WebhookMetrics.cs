using System.Diagnostics.Metrics;
using Pipeline.Ingestion.Kafka;

namespace Pipeline.Ingestion.Webhooks;

/// <summary>Instruments of durable webhook acceptance (Meter <c>Pipeline.Ingestion</c>).</summary>
internal static class WebhookMetrics
{
    public static readonly Counter<long> Accepted = KafkaMetrics.Meter.CreateCounter<long>("webhooks.accepted", "{delivery}", "Deliveries written to the inbox and answered 202");
    public static readonly Counter<long> DurableWriteFailed = KafkaMetrics.Meter.CreateCounter<long>("webhooks.durable_write_failed", "{delivery}", "Deliveries answered 503 because the inbox write did not complete in time");
    public static readonly Counter<long> Relayed = KafkaMetrics.Meter.CreateCounter<long>("webhooks.relayed", "{delivery}", "Inbox deliveries acknowledged by the broker");
    public static readonly Histogram<int> InboxBatches = KafkaMetrics.Meter.CreateHistogram<int>("webhooks.inbox_batch_size", "{delivery}", "Deliveries per inbox blob written by group commit");
    public static readonly Histogram<double> InboxPutDuration = KafkaMetrics.Meter.CreateHistogram<double>("webhooks.inbox_put_duration", "ms", "Time from a group-commit batch's seal to its confirmed put (or failure)");
    public static readonly Counter<long> InboxDeleted = KafkaMetrics.Meter.CreateCounter<long>("webhooks.inbox_deleted", "{blob}", "Inbox blobs deleted after all their deliveries were acknowledged");
    public static readonly Counter<long> RelayRetries = KafkaMetrics.Meter.CreateCounter<long>("webhooks.relay_retries", "{attempt}", "Relay publish attempts that failed and are retried");
}
