using System.Text.Json.Serialization;

namespace Pipeline.Ingestion.Redelivery;

/// <summary>One item of GitHub's hook deliveries list (each attempt is its own delivery; attempts share the guid).</summary>
internal sealed class HookDelivery
{
    [JsonPropertyName("id")]
    public long Id { get; set; }

    [JsonPropertyName("guid")]
    public string Guid { get; set; } = "";

    [JsonPropertyName("delivered_at")]
    public DateTimeOffset DeliveredAt { get; set; }

    [JsonPropertyName("redelivery")]
    public bool Redelivery { get; set; }

    [JsonPropertyName("status")]
    public string? Status { get; set; }

    [JsonPropertyName("status_code")]
    public int StatusCode { get; set; }

    [JsonPropertyName("event")]
    public string? Event { get; set; }

    [JsonPropertyName("action")]
    public string? Action { get; set; }

    /// <summary>2xx and status OK.</summary>
    public bool Succeeded => StatusCode is >= 200 and < 300 && (Status is null || string.Equals(Status, "OK", StringComparison.OrdinalIgnoreCase));
}
