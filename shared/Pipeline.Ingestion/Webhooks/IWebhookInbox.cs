namespace Pipeline.Ingestion.Webhooks;

/// <summary>Durable storage for accepted deliveries until the relay has them acknowledged by the broker.</summary>
internal interface IWebhookInbox
{
    /// <summary>Writes the deliveries durably as one stored item (a batch); returns its name. Throws when storage does not confirm the write.</summary>
    Task<string> WriteAsync(IReadOnlyList<RawDelivery> deliveries, CancellationToken ct);

    /// <summary>Names of stored items with their last-modified time (the relay drains them).</summary>
    IAsyncEnumerable<(string Name, DateTimeOffset Written)> ListAsync(CancellationToken ct);

    /// <summary>The deliveries of a stored item (a batch, or one delivery written before batching), or null when it is gone
    /// (already relayed by another instance). <see cref="FormatException"/> when its content cannot be read.</summary>
    Task<IReadOnlyList<RawDelivery>?> ReadAsync(string name, CancellationToken ct);

    Task DeleteAsync(string name, CancellationToken ct);
}
