namespace Pipeline.Ingestion.Webhooks;

/// <summary>Durable storage for accepted deliveries until the relay has them acknowledged by the broker.</summary>
internal interface IWebhookInbox
{
    /// <summary>Writes the delivery durably; returns its name. Throws when storage does not confirm the write.</summary>
    Task<string> WriteAsync(RawDelivery delivery, CancellationToken ct);

    /// <summary>Names of stored deliveries with their last-modified time (the relay drains them).</summary>
    IAsyncEnumerable<(string Name, DateTimeOffset Written)> ListAsync(CancellationToken ct);

    /// <summary>The stored delivery, or null when it is gone (already relayed by another instance).</summary>
    Task<RawDelivery?> ReadAsync(string name, CancellationToken ct);

    Task DeleteAsync(string name, CancellationToken ct);
}
