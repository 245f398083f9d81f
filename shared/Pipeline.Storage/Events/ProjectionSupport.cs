using System.Text.Json.Nodes;
using Pipeline.Domain;

namespace Pipeline.Storage.Events;

/// <summary>Shared pieces: the ordering of snapshots and the history list.</summary>
internal static class ProjectionSupport
{
    public const string SnapshotKeyField = "snapshot_key";
    public const string HistoryField = "history";
    public const int MaxHistory = 1000;

    /// <summary>Total order of snapshots: the entity's own updated_at when the payload has it, then the event time, then
    /// the event id (only to break ties deterministically). Times are fixed-width ISO strings, so ordinal order is time order.</summary>
    public static string SnapshotKey(string? entityUpdatedAt, GitHubEvent e) =>
        $"{entityUpdatedAt ?? StoreTime.Format(e.CreatedAt)}|{StoreTime.Format(e.CreatedAt)}|{e.Id}";

    /// <summary>True when a snapshot with <paramref name="key"/> is newer than what <paramref name="doc"/> holds.</summary>
    public static bool IsNewer(JsonObject doc, string key) =>
        doc[SnapshotKeyField] is not JsonValue v || !v.TryGetValue<string>(out var current) || string.CompareOrdinal(key, current) > 0;

    /// <summary>Adds entries not yet present (by activity key, else event id: the same activity delivered by two sources is
    /// one entry), sorts by time then that key and keeps the newest <see cref="MaxHistory"/>. When several entries share a
    /// key, the earliest by (at, event_id) is kept whichever arrived first, so the history does not depend on arrival order
    /// or batching (<see cref="Postgres.PostgresMergeFunctions"/> applies the same rule in SQL).</summary>
    public static void MergeHistory(JsonObject doc, IEnumerable<JsonObject> entries)
    {
        var byId = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        void Offer(JsonObject o, bool clone)
        {
            if (Id(o) is not { } id) return;
            if (byId.TryGetValue(id, out var kept) && CompareEntries(o, kept) >= 0) return;
            byId[id] = clone ? (JsonObject)o.DeepClone() : o;
        }
        if (doc[HistoryField] is JsonArray existing)
        {
            foreach (var item in existing)
            {
                if (item is JsonObject o) Offer(o, clone: true);
            }
        }
        foreach (var entry in entries) Offer(entry, clone: false);
        var list = byId.Values.ToList();
        list.Sort((a, b) =>
        {
            var byTime = string.CompareOrdinal(Text(a, "at"), Text(b, "at"));
            return byTime != 0 ? byTime : string.CompareOrdinal(Id(a), Id(b));
        });
        if (list.Count > MaxHistory) list.RemoveRange(0, list.Count - MaxHistory);
        doc[HistoryField] = new JsonArray(list.Select(o => (JsonNode?)o).ToArray());
    }

    /// <summary>Which of two entries with the same key is kept: the earlier by (at, event_id), ordinal.</summary>
    private static int CompareEntries(JsonObject a, JsonObject b)
    {
        var byTime = string.CompareOrdinal(Text(a, "at"), Text(b, "at"));
        return byTime != 0 ? byTime : string.CompareOrdinal(Text(a, "event_id"), Text(b, "event_id"));
    }

    private static string? Id(JsonObject o) => Text(o, "activity_key") ?? Text(o, "event_id");

    public static string? Text(JsonObject o, string field) => o[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static void SetAll(JsonObject doc, JsonObject fields)
    {
        foreach (var (name, value) in fields.ToList())
        {
            fields.Remove(name);
            doc[name] = value;
        }
    }
}
