namespace Pipeline.Ingestion.Kafka;

/// <summary>Some events of a batch were not acknowledged by the broker. Callers must not acknowledge their input.</summary>
internal sealed class EventPublishException(string message, IReadOnlyList<string> failedEventIds, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>Ids of every event whose delivery failed.</summary>
    public IReadOnlyList<string> FailedEventIds { get; } = failedEventIds;
}
