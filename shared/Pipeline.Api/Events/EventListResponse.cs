using Pipeline.Storage.Events;

namespace Pipeline.Api.Events;

/// <summary>The answer of <c>GET /api/events</c>: stored events newest first, without payloads.</summary>
internal sealed record EventListResponse(int Count, int Limit, IReadOnlyList<EventSummary> Events);
