namespace Pipeline.Ingestion.Kafka;

/// <summary>Header names on <c>github.events</c> and <c>github.events.dlq</c> messages.</summary>
internal static class KafkaHeaders
{
    public const string EventType = "event-type";
    public const string Source = "source";
    public const string EventId = "event-id";

    /// <summary>Set on a claim-checked message: the blob name holding its value (the message value is empty).</summary>
    public const string ClaimCheck = "claim-check";

    /// <summary>W3C trace context of the producing span (https://www.w3.org/TR/trace-context/).</summary>
    public const string TraceParent = "traceparent";

    public const string TraceState = "tracestate";

    public const string DlqError = "dlq-error";
    public const string DlqErrorType = "dlq-error-type";
    public const string DlqOriginalTopic = "dlq-original-topic";
    public const string DlqOriginalPartition = "dlq-original-partition";
    public const string DlqOriginalOffset = "dlq-original-offset";
    public const string DlqAttempts = "dlq-attempts";
    public const string DlqFailedAt = "dlq-failed-at";
    public const string DlqConsumerGroup = "dlq-consumer-group";
}
