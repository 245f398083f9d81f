namespace Pipeline.Ingestion.Webhooks;

/// <summary>The delivery headers the service needs (names are GitHub's: X-GitHub-Event, X-GitHub-Delivery, X-Hub-Signature-256).</summary>
public sealed record WebhookHeaders(string? Event, string? Delivery, string? Signature256, long? ContentLength = null, string? ContentType = null)
{
    public const string ContentTypeHeader = "Content-Type";
    public const string EventHeader = "X-GitHub-Event";
    public const string DeliveryHeader = "X-GitHub-Delivery";
    public const string SignatureHeader = "X-Hub-Signature-256";

    /// <summary>Builds the record from any header lookup (case-insensitive names).</summary>
    public static WebhookHeaders From(Func<string, string?> header, long? contentLength) =>
        new(header(EventHeader), header(DeliveryHeader), header(SignatureHeader), contentLength, header(ContentTypeHeader));
}
