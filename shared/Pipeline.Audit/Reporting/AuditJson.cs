using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Pipeline.Audit.Model;

namespace Pipeline.Audit.Reporting;

/// <summary>The report's JSON form: camelCase properties, month keys kept as written, nulls omitted.</summary>
public static class AuditJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize(AuditReport report) => JsonSerializer.Serialize(report, Options);

    public static JsonObject ToJsonObject(AuditReport report) => JsonSerializer.SerializeToNode(report, Options)!.AsObject();

    public static AuditReport Deserialize(string json) => JsonSerializer.Deserialize<AuditReport>(json, Options) ?? throw new JsonException("Empty audit report");

    public static AuditReport FromJsonObject(JsonObject node) => node.Deserialize<AuditReport>(Options) ?? throw new JsonException("Empty audit report");
}
