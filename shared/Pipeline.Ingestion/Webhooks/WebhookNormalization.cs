using System.Text.Json;
using Pipeline.Domain;
using Pipeline.Domain.Normalization;

namespace Pipeline.Ingestion.Webhooks;

/// <summary>Turns a raw delivery into the event published to the topic; the same code at the door and in the relay's drain.</summary>
internal static class WebhookNormalization
{
    public static string EventIdOf(string deliveryId) => "delivery:" + deliveryId;

    /// <summary>Parses the body's JSON (form-encoded or not); an error says why it is not a JSON object.</summary>
    public static (JsonElement Payload, string? Error) Parse(string? contentType, ReadOnlyMemory<byte> body)
    {
        var (json, formError) = WebhookBody.JsonOf(contentType, body);
        if (formError is not null) return (default, formError);
        // JSON is UTF-8 (RFC 8259); the reader does not validate string contents, so invalid bytes would fail later.
        if (!System.Text.Unicode.Utf8.IsValid(json.Span)) return (default, "the body is not valid UTF-8");
        JsonElement payload;
        try
        {
            // The document keeps pointing into the body (no copy); it is not disposed because the event carries its root.
            payload = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 }).RootElement;
        }
        catch (JsonException ex)
        {
            return (default, $"malformed JSON at line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}: {ex.Message}");
        }
        if (payload.ValueKind != JsonValueKind.Object) return (default, $"the body is a JSON {payload.ValueKind.ToString().ToLowerInvariant()}, not an object");
        return (payload, null);
    }

    /// <summary>The event of a stored delivery (throws <see cref="FormatException"/> when it cannot be normalised).</summary>
    public static GitHubEvent ToEvent(RawDelivery d)
    {
        var (payload, error) = Parse(d.ContentType, d.Body);
        if (error is not null) throw new FormatException(error);
        return Normalize(d.Event, d.DeliveryId, payload, d.ReceivedAt);
    }

    /// <summary>Normalises; a string the payload cannot yield (an unpaired surrogate escape) is a <see cref="FormatException"/> too.</summary>
    public static GitHubEvent Normalize(string eventType, string deliveryId, JsonElement payload, DateTimeOffset receivedAt)
    {
        try
        {
            return GitHubEventNormalizer.FromWebhook(eventType, deliveryId, payload, receivedAt);
        }
        catch (InvalidOperationException ex)
        {
            throw new FormatException("the payload holds text that is not valid Unicode: " + ex.Message, ex);
        }
    }
}
