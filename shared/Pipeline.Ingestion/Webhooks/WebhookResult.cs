namespace Pipeline.Ingestion.Webhooks;

/// <summary>What the webhook endpoint answers: HTTP status, a short status word, a reason for errors, and the event id.</summary>
public sealed record WebhookResult(int StatusCode, string Status, string? Reason = null, string? EventId = null)
{
    public static WebhookResult Accepted(string eventId) => new(202, "accepted", null, eventId);
    public static WebhookResult Duplicate(string eventId) => new(200, "duplicate", "delivery already received", eventId);
    public static WebhookResult Pong(string? eventId) => new(200, "pong", null, eventId);
    public static WebhookResult Unauthorized(string reason) => new(401, "unauthorized", reason);
    public static WebhookResult BadRequest(string reason, string? eventId = null) => new(400, "bad_request", reason, eventId);
    public static WebhookResult TooLarge(long limit) => new(413, "too_large", $"body exceeds the limit of {limit} bytes (GitHub:MaxBodyBytes)");
    public static WebhookResult Unavailable(string reason, string? eventId) => new(503, "unavailable", reason, eventId);
}
