using System.Diagnostics.Metrics;
using Pipeline.Ingestion.Kafka;

namespace Pipeline.Ingestion.Redelivery;

/// <summary>Instruments of GitHub redelivery (Meter <c>Pipeline.Ingestion</c>): what an operator alerts on when GitHub
/// keeps failing to reach us (failed deliveries climbing) or when redelivery itself stops working (hook errors).</summary>
internal static class RedeliveryMetrics
{
    public static readonly Counter<long> FailedFound = KafkaMetrics.Meter.CreateCounter<long>("webhooks.redelivery.failed_found", "{delivery}", "Deliveries GitHub reports as failed (one per guid), seen by a redelivery run");
    public static readonly Counter<long> Requested = KafkaMetrics.Meter.CreateCounter<long>("webhooks.redelivery.requested", "{delivery}", "Redeliveries requested from GitHub");
    public static readonly Counter<long> HookErrors = KafkaMetrics.Meter.CreateCounter<long>("webhooks.redelivery.hook_errors", "{hook}", "Hooks whose deliveries could not be listed or redelivered in a run");
}
