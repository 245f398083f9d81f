using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Pipeline.ML.Registry;

internal static class RegistryJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new UtcDateTimeConverter() },
    };

    public static JsonObject ToDocument<T>(T value, string id)
    {
        var node = JsonSerializer.SerializeToNode(value, Options)!.AsObject();
        node["_id"] = id;
        return node;
    }

    public static T FromDocument<T>(JsonObject doc) => doc.Deserialize<T>(Options)!;

    /// <summary>Timestamps as the store convention requires: ISO-8601 UTC <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>.</summary>
    private sealed class UtcDateTimeConverter : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Data.IssueDocumentSchema.ParseTime(reader.GetString()!) ?? throw new JsonException("bad timestamp");

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Data.IssueDocumentSchema.FormatTime(value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(value, DateTimeKind.Utc) : value));
    }
}
