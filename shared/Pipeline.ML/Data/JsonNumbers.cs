using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.ML.Data;

/// <summary>Reads JSON numbers whatever CLR type backs the node (documents built in memory hold float/int/long, parsed ones JsonElement).</summary>
internal static class JsonNumbers
{
    public static double? AsDouble(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    public static bool? AsBool(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
