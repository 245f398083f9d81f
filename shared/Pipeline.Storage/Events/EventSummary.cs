namespace Pipeline.Storage.Events;

/// <summary>One stored event without its payload, as listed by <c>GET /api/events</c>.</summary>
public sealed record EventSummary(
    string Id,
    string? DeliveryId,
    string Type,
    string? Action,
    string Repo,
    string? Actor,
    string? Source,
    string? CreatedAt,
    string? ReceivedAt);
