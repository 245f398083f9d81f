using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Domain.Json;

/// <summary>
/// The one JSON policy of every HTTP route: camelCase names (the ASP.NET Core and Durable Functions default), enums as
/// strings, relaxed escaping (answers are JSON, never HTML, so "'" stays readable), NaN/Infinity allowed in numbers.
/// </summary>
public static class PipelineJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>Applies the policy to options a host owns (ASP.NET Core's <c>JsonOptions.SerializerOptions</c>).</summary>
    public static void Apply(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DictionaryKeyPolicy = null;
        options.PropertyNameCaseInsensitive = true;
        options.NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals;
        options.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        if (!options.Converters.OfType<JsonStringEnumConverter>().Any())
        {
            options.Converters.Add(new JsonStringEnumConverter());
        }
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Apply(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
