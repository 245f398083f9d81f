using System.Text.Json.Nodes;
using Pipeline.Domain;

namespace Pipeline.Storage.Events;

/// <summary>Read side of the <c>events</c> collection for operators and the dashboard's ingestion panel.</summary>
public sealed class EventQueryService(IDocumentStore store)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 1000;

    private static readonly string[] SummaryFields = ["type", "action", "repo", "actor", "source", "delivery_id", "created_at", "received_at"];

    /// <summary>Stored events, newest received first (ties: newest created first), optionally filtered by repository
    /// (exact full name), event type and webhook delivery id.</summary>
    public async Task<IReadOnlyList<EventSummary>> ListEventsAsync(string? repo = null, string? type = null, string? deliveryId = null,
        int limit = DefaultLimit, CancellationToken ct = default)
    {
        if (limit is < 1 or > MaxLimit) throw new ArgumentOutOfRangeException(nameof(limit), limit, $"limit must be between 1 and {MaxLimit}");
        var filters = new List<FieldFilter>();
        if (!string.IsNullOrEmpty(repo)) filters.Add(Filter.Eq("repo", repo));
        if (!string.IsNullOrEmpty(type)) filters.Add(Filter.Eq("type", type));
        if (!string.IsNullOrEmpty(deliveryId)) filters.Add(Filter.Eq("delivery_id", deliveryId));
        var docs = await store.FindAsync(Collections.Events, new DocumentQuery
        {
            Filters = filters,
            SortBy = "received_at",
            Descending = true,
            Limit = limit,
            Fields = SummaryFields,
        }, ct);
        return docs.Select(ToSummary)
            .OrderByDescending(e => e.ReceivedAt, StringComparer.Ordinal)
            .ThenByDescending(e => e.CreatedAt, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The whole stored event (with payload), or null.</summary>
    public Task<JsonObject?> GetEventAsync(string id, CancellationToken ct = default) => store.GetAsync(Collections.Events, id, ct);

    public Task<long> CountEventsAsync(CancellationToken ct = default) => store.CountAsync(Collections.Events, null, ct);

    private static EventSummary ToSummary(JsonObject d) => new(
        ProjectionSupport.Text(d, DocumentJson.IdField) ?? "",
        ProjectionSupport.Text(d, "delivery_id"),
        ProjectionSupport.Text(d, "type") ?? "",
        ProjectionSupport.Text(d, "action"),
        ProjectionSupport.Text(d, "repo") ?? "",
        ProjectionSupport.Text(d, "actor"),
        ProjectionSupport.Text(d, "source"),
        ProjectionSupport.Text(d, "created_at"),
        ProjectionSupport.Text(d, "received_at"));
}
