using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Testing.Deployment;

/// <summary>
/// Parses YAML (every document of a multi-document stream, with merge keys <c>&lt;&lt;: *anchor</c> resolved) into
/// <see cref="JsonNode"/> trees, so manifests, compose files and workflows are inspected with one object model.
/// Plain scalars get YAML 1.2 core-schema types (null, bool, int, float); quoted scalars stay strings, which is what
/// lets a test tell <c>lagThreshold: "500"</c> (a string, as KEDA requires) from <c>lagThreshold: 500</c>.
/// </summary>
public static class YamlDocuments
{
    /// <summary>All documents of the stream; an empty document yields null. Throws <see cref="YamlException"/> on bad YAML
    /// and <see cref="ArgumentException"/> on a duplicate mapping key.</summary>
    public static IReadOnlyList<JsonNode?> Parse(string yaml)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(yaml);
        stream.Load(new MergingParser(new Parser(reader)));
        return stream.Documents.Select(d => Convert(d.RootNode)).ToList();
    }

    public static IReadOnlyList<JsonNode?> ParseFile(string path) => Parse(File.ReadAllText(path));

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => ConvertMapping(map),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar => ConvertScalar(scalar),
        _ => throw new InvalidOperationException($"Unsupported YAML node {node.NodeType} at {node.Start}"),
    };

    private static JsonObject ConvertMapping(YamlMappingNode map)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in map.Children)
        {
            var name = key is YamlScalarNode s ? s.Value ?? "" : throw new InvalidOperationException($"Non-scalar key at {key.Start}");
            if (obj.ContainsKey(name))
            {
                throw new ArgumentException($"Duplicate key '{name}' at {key.Start}");
            }
            obj[name] = Convert(value);
        }
        return obj;
    }

    private static JsonNode? ConvertScalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain || (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value == "tag:yaml.org,2002:str"))
        {
            return JsonValue.Create(text);
        }
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }
        if (text.Length > 0 && (char.IsDigit(text[0]) || text[0] is '-' or '+' or '.')
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
        {
            return JsonValue.Create(real);
        }
        return JsonValue.Create(text);
    }
}
