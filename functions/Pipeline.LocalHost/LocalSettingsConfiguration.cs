using System.Text.Json;

namespace Pipeline.LocalHost;

/// <summary>
/// Reads the <c>Values</c> of an Azure Functions <c>local.settings.json</c> so the local host and `func start` share one file.
/// Keys may use <c>__</c> or <c>:</c> as the section separator, as in the Functions host.
/// </summary>
internal static class LocalSettingsConfiguration
{
    public static IConfigurationBuilder AddLocalSettingsJson(this IConfigurationBuilder builder, string path)
    {
        if (!File.Exists(path))
        {
            return builder;
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (doc.RootElement.TryGetProperty("Values", out var section) && section.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in section.EnumerateObject())
            {
                values[property.Name.Replace("__", ":", StringComparison.Ordinal)] =
                    property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
            }
        }
        return builder.AddInMemoryCollection(values);
    }
}
