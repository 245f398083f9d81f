namespace Pipeline.Ingestion.Webhooks;

/// <summary>A webhook delivery as it arrived: the headers the pipeline needs and the raw body (JSON or form-encoded).</summary>
/// <param name="Event">X-GitHub-Event.</param>
/// <param name="DeliveryId">X-GitHub-Delivery.</param>
/// <param name="ContentType">Content-Type (null = JSON).</param>
/// <param name="Signature256">X-Hub-Signature-256 as received (kept so a stored delivery can be audited).</param>
/// <param name="ReceivedAt">When the endpoint accepted it; the normalised event's <c>receivedAt</c>.</param>
/// <param name="Body">The raw body bytes, exactly as signed.</param>
/// <param name="TraceParent">W3C <c>traceparent</c> of the request that accepted it, so the relay's publish continues that trace.</param>
internal sealed record RawDelivery(string Event, string DeliveryId, string? ContentType, string? Signature256, DateTimeOffset ReceivedAt, ReadOnlyMemory<byte> Body, string? TraceParent = null);
