namespace Pipeline.Ingestion.Kafka;

/// <summary>Holds message values too large for the broker; the message carries only the reference.</summary>
internal interface IClaimCheckStore
{
    /// <summary>Stores the value for the event and returns the reference (deterministic per event id, so a re-publish overwrites).</summary>
    Task<string> PutAsync(string eventId, ReadOnlyMemory<byte> value, CancellationToken ct);

    /// <summary>The value, or null when the reference names nothing.</summary>
    Task<byte[]?> GetAsync(string reference, CancellationToken ct);
}
