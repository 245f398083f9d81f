using System.Text.Json;

namespace Pipeline.Storage;

/// <summary>
/// A JSON value kept as the text it was parsed from (an event's raw GitHub payload): stored by copying that text, not by
/// re-encoding a node tree. Put it in a document with <c>JsonValue.Create(new RawJson(element))</c>.
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(RawJsonConverter))]
internal sealed class RawJson(JsonElement element)
{
    public JsonElement Element { get; } = element;
}
