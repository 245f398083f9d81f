using System.Text.Json.Nodes;

namespace Pipeline.Testing.Deployment;

/// <summary>One Kubernetes object from a manifest, with where it came from for error messages.</summary>
public sealed record KubernetesObject(string Source, int DocumentIndex, JsonObject Root)
{
    public string? ApiVersion => Root["apiVersion"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string?)Root["apiVersion"] : null;
    public string? Kind => Root["kind"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string?)Root["kind"] : null;
    public JsonObject? Metadata => Root["metadata"] as JsonObject;
    public string? Name => Metadata?["name"]?.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string?)Metadata["name"] : null;
    public string? Namespace => Metadata?["namespace"]?.GetValue<string>();
    public JsonObject? Spec => Root["spec"] as JsonObject;

    /// <summary>API group of <see cref="ApiVersion"/> ("" for the core group).</summary>
    public string Group => ApiVersion is { } v && v.Contains('/') ? v[..v.IndexOf('/')] : "";

    public string Describe => $"{Kind ?? "?"}/{Name ?? "?"} ({Source}#{DocumentIndex})";

    public IReadOnlyDictionary<string, string> Labels =>
        (Metadata?["labels"] as JsonObject)?.ToDictionary(p => p.Key, p => p.Value?.ToString() ?? "") ?? new Dictionary<string, string>();

    /// <summary>The pod template's spec of a workload (Deployment, StatefulSet, Job), or null.</summary>
    public JsonObject? PodSpec => Spec?["template"]?["spec"] as JsonObject;

    public IEnumerable<JsonObject> Containers =>
        (PodSpec?["containers"] as JsonArray)?.OfType<JsonObject>() ?? [];

    /// <summary>Every object of a (multi-document) YAML text; empty documents are skipped, non-mapping documents throw.</summary>
    public static IReadOnlyList<KubernetesObject> ParseAll(string yaml, string source)
    {
        var result = new List<KubernetesObject>();
        var docs = YamlDocuments.Parse(yaml);
        for (var i = 0; i < docs.Count; i++)
        {
            switch (docs[i])
            {
                case null:
                    continue;
                case JsonObject obj:
                    result.Add(new KubernetesObject(source, i, obj));
                    break;
                default:
                    throw new InvalidDataException($"{source}#{i}: a Kubernetes manifest document must be a mapping");
            }
        }
        return result;
    }
}
