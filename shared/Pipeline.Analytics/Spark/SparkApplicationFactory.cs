using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Analytics.Spark;

/// <summary>Renders infra/spark/sparkapplication.template.yaml (embedded) into the SparkApplication body for the API.</summary>
internal static class SparkApplicationFactory
{
    public const string Group = "sparkoperator.k8s.io";
    public const string Version = "v1beta2";
    public const string Plural = "sparkapplications";

    private static readonly Lazy<string> Template = new(() =>
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Pipeline.Analytics.Spark.sparkapplication.template.yaml")
            ?? throw new InvalidOperationException("SparkApplication template is not embedded");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static JsonObject Render(string name, string job, string runId, string scriptUri, SparkOptions options)
    {
        var values = new Dictionary<string, string>
        {
            ["name"] = Quote(name),
            ["namespace"] = Quote(options.Namespace),
            ["job"] = Quote(Label(job)),
            ["runLabel"] = Quote(Label(runId)),
            ["image"] = Quote(options.Image),
            ["scriptUri"] = Quote(scriptUri),
            ["sparkVersion"] = Quote(options.SparkVersion),
            ["driverMemory"] = Quote(options.DriverMemory),
            ["executorMemory"] = Quote(options.ExecutorMemory),
            ["executorInstances"] = options.ExecutorInstances.ToString(CultureInfo.InvariantCulture),
            ["serviceAccount"] = Quote(options.ServiceAccount),
            ["storageSecretName"] = Quote(options.StorageSecretName),
        };
        var yaml = Template.Value;
        foreach (var (key, value) in values)
        {
            yaml = yaml.Replace("{{" + key + "}}", value, StringComparison.Ordinal);
        }
        if (yaml.Contains("{{", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("SparkApplication template has an unknown placeholder near: " + yaml[yaml.IndexOf("{{", StringComparison.Ordinal)..].Split('\n')[0]);
        }
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return ToJson(stream.Documents[0].RootNode)!.AsObject();
    }

    /// <summary>YAML to JSON keeping types: quoted scalars are strings; plain scalars become numbers, booleans or null
    /// when they look like one (the CRD's integer fields must be JSON numbers).</summary>
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv =>
            new KeyValuePair<string, JsonNode?>(((YamlScalarNode)kv.Key).Value ?? "", ToJson(kv.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar when scalar.Style is ScalarStyle.Plain => scalar.Value switch
        {
            null or "" or "~" or "null" => null,
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            var v when long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
            var v when double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && v.Contains('.') => JsonValue.Create(d),
            var v => JsonValue.Create(v),
        },
        YamlScalarNode scalar => JsonValue.Create(scalar.Value ?? ""),
        _ => throw new FormatException("Unsupported YAML node " + node.NodeType),
    };

    /// <summary>A single-quoted YAML scalar: the value stays a string whatever it contains.</summary>
    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>Label values: at most 63 characters of [A-Za-z0-9_.-], starting and ending alphanumeric.</summary>
    public static string Label(string value)
    {
        var s = new string(value.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray());
        if (s.Length > 63) s = s[..63];
        return s.Trim('-', '_', '.');
    }
}
