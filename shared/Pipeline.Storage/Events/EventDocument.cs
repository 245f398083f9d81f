using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Domain;

namespace Pipeline.Storage.Events;

/// <summary>The stored form of an event in the <c>events</c> collection.</summary>
internal static class EventDocument
{
    /// <summary>Fields: type, action, repo (GitHub's casing), repo_key (lower-cased), activity_key (equal across sources
    /// for the same GitHub activity, see <see cref="Domain.Normalization.ActivityKey"/>), actor, created_at, source,
    /// delivery_id (only when the event came by webhook), trace_id (only when the event came traced), received_at, payload
    /// (the raw GitHub payload).</summary>
    public static JsonObject From(GitHubEvent e)
    {
        var doc = new JsonObject
        {
            ["type"] = e.Type,
            ["action"] = e.Action,
            ["repo"] = e.Repo,
            ["repo_key"] = e.RepoKey,
            ["activity_key"] = e.ActivityKey,
            ["actor"] = e.Actor,
            ["created_at"] = StoreTime.Format(e.CreatedAt),
            ["source"] = e.Source,
        };
        if (e.DeliveryId is not null) doc["delivery_id"] = e.DeliveryId;
        if (e.TraceId is not null) doc["trace_id"] = e.TraceId;
        doc["received_at"] = StoreTime.Format(e.ReceivedAt);
        doc["payload"] = Payload(e.Payload);
        return doc;
    }

    /// <summary>The raw payload, written to the store as the exact text GitHub sent (see <see cref="RawJson"/>).</summary>
    public static JsonNode? Payload(JsonElement payload) => payload.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => null,
        _ => JsonValue.Create(new RawJson(payload)),
    };
}
