using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Domain;
using Pipeline.Domain.Normalization;

namespace Pipeline.Analytics.Snapshot;

/// <summary>
/// Flattens stored event documents (the <c>events</c> collection: envelope fields plus the raw payload, written by
/// <see cref="Pipeline.Storage.Events.EventDocument"/>) into the <see cref="EventRow"/> the Parquet snapshot holds.
/// </summary>
internal static class EventDocumentMapper
{
    /// <summary>Flattens a stored event document; throws <see cref="FormatException"/> when the envelope is incomplete.</summary>
    public static EventRow FromDocument(JsonObject doc)
    {
        var id = Str(doc["_id"]) ?? throw new FormatException("event document without _id");
        var payload = doc["payload"] as JsonObject;
        var repository = payload?["repository"] as JsonObject;
        var item = (payload?["issue"] ?? payload?["pull_request"]) as JsonObject;
        var type = Str(doc["type"]) ?? throw new FormatException($"event {id} has no type");
        var action = Str(doc["action"]) ?? Str(payload?["action"]);
        var repo = Str(doc["repo"]) ?? throw new FormatException($"event {id} has no repo");
        var actor = Str(doc["actor"]);
        var createdAt = Time(doc["created_at"]) ?? throw new FormatException($"event {id} has no created_at");
        // Documents stored before activity keys existed get theirs computed from the payload, by the same rule.
        var activityKey = Str(doc["activity_key"]) ?? ActivityKey.For(type, action, repo, actor, id, new DateTimeOffset(createdAt, TimeSpan.Zero),
            payload is null ? default : JsonSerializer.SerializeToElement(payload));
        return new EventRow
        {
            Id = id,
            Type = type,
            Action = action,
            Repo = repo,
            RepoKey = Str(doc["repo_key"]) ?? ActivityKey.RepoKey(repo),
            ActivityKey = activityKey,
            Actor = actor,
            CreatedAt = createdAt,
            ReceivedAt = Time(doc["received_at"]),
            Language = Str(repository?["language"]) ?? Str(Obj(payload, "pull_request", "base", "repo")?["language"]),
            ItemAuthor = Str(Obj(item, "user")?["login"]),
            ItemKind = item is null ? null : payload?["pull_request"] is JsonObject || item["pull_request"] is JsonObject ? "pr" : "issue",
            RefType = Str(payload?["ref_type"]),
            Number = Long(item?["number"]) ?? Long(payload?["number"]),
            ItemCreatedAt = Time(item?["created_at"]),
            ItemClosedAt = Time(item?["closed_at"]),
            Merged = item?["merged"] is JsonValue m && m.TryGetValue<bool>(out var merged) ? merged : null,
        };
    }

    private static JsonObject? Obj(JsonObject? o, params string[] path)
    {
        foreach (var name in path)
        {
            o = o?[name] as JsonObject;
        }
        return o;
    }

    private static string? Str(JsonNode? n) =>
        n is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static long? Long(JsonNode? n) =>
        n is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var l) ? l : null;

    /// <summary>ISO strings, or epoch seconds (webhook push payloads carry repository times as numbers).</summary>
    private static DateTime? Time(JsonNode? n)
    {
        if (n is not JsonValue v) return null;
        switch (v.GetValueKind())
        {
            case JsonValueKind.String:
                return DateTimeOffset.TryParse(v.GetValue<string>(), CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
                    ? t.UtcDateTime
                    : null;
            case JsonValueKind.Number when v.TryGetValue<long>(out var epoch):
                return DateTime.UnixEpoch.AddSeconds(epoch);
            default:
                return null;
        }
    }
}
