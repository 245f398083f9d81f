using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Storage.Events;

/// <summary>Tolerant reads from raw GitHub payloads (webhook, REST or GH Archive shapes): missing or mistyped fields give null.</summary>
internal static class PayloadReader
{
    public static JsonElement? Get(JsonElement element, params string[] path)
    {
        var current = element;
        foreach (var segment in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(segment, out current)) return null;
        }
        return current.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined ? null : current;
    }

    public static JsonElement? Object(JsonElement element, params string[] path) =>
        Get(element, path) is { ValueKind: JsonValueKind.Object } o ? o : null;

    public static string? String(JsonElement element, params string[] path) =>
        Get(element, path) is { ValueKind: JsonValueKind.String } s ? DocumentJson.SafeGetString(s) : null;

    public static long? Long(JsonElement element, params string[] path) =>
        Get(element, path) is { ValueKind: JsonValueKind.Number } n && n.TryGetInt64(out var v) ? v : null;

    public static bool? Bool(JsonElement element, params string[] path) => Get(element, path) switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => null,
    };

    /// <summary>A timestamp in the store format. GitHub sends ISO-8601 strings, and epoch seconds in a few places
    /// (push payloads' <c>repository.created_at</c>/<c>pushed_at</c>).</summary>
    public static string? Time(JsonElement element, params string[] path) => Get(element, path) switch
    {
        { ValueKind: JsonValueKind.String } s when DateTimeOffset.TryParse(DocumentJson.SafeGetString(s), CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) => StoreTime.Format(at),
        { ValueKind: JsonValueKind.Number } n when n.TryGetInt64(out var epoch) && epoch is > 0 and < 100_000_000_000 =>
            StoreTime.Format(DateTimeOffset.FromUnixTimeSeconds(epoch)),
        _ => null,
    };

    /// <summary>Names from an array of objects (labels → name, assignees → login).</summary>
    public static JsonArray Names(JsonElement element, string arrayField, string nameField)
    {
        var result = new JsonArray();
        if (Get(element, arrayField) is { ValueKind: JsonValueKind.Array } array)
        {
            foreach (var item in array.EnumerateArray())
            {
                if (String(item, nameField) is { } name) result.Add(name);
            }
        }
        return result;
    }

    public static JsonNode? Node(string? value) => value is null ? null : JsonValue.Create(value);

    public static JsonNode? Node(long? value) => value is null ? null : JsonValue.Create(value.Value);

    public static JsonNode? Node(bool? value) => value is null ? null : JsonValue.Create(value.Value);
}
