using System.Text.Json.Nodes;

namespace Pipeline.Storage;

/// <summary>Short-hands for <see cref="FieldFilter"/>: <c>DocumentQuery.Where(Filter.Eq("repo", "a/b"), Filter.Gte("created_at", since))</c>.</summary>
public static class Filter
{
    public static FieldFilter Eq(string path, JsonNode? value) => new(path, FilterOp.Eq, value);
    public static FieldFilter Ne(string path, JsonNode? value) => new(path, FilterOp.Ne, value);
    public static FieldFilter Gt(string path, JsonNode value) => new(path, FilterOp.Gt, value);
    public static FieldFilter Gte(string path, JsonNode value) => new(path, FilterOp.Gte, value);
    public static FieldFilter Lt(string path, JsonNode value) => new(path, FilterOp.Lt, value);
    public static FieldFilter Lte(string path, JsonNode value) => new(path, FilterOp.Lte, value);
    public static FieldFilter Exists(string path, bool exists = true) => new(path, FilterOp.Exists, JsonValue.Create(exists));

    public static FieldFilter In(string path, IEnumerable<JsonNode?> values) => new(path, FilterOp.In, new JsonArray(values.Select(v => v?.DeepClone()).ToArray()));

    public static FieldFilter In(string path, IEnumerable<string> values) => new(path, FilterOp.In, new JsonArray(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()));

    /// <summary>Timestamps are stored as ISO-8601 UTC strings with milliseconds; this formats one for a filter value.</summary>
    public static JsonNode Timestamp(DateTimeOffset at) => JsonValue.Create(StoreTime.Format(at));
}
