using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Pipeline.Testing.Deployment;

/// <summary>
/// A validator for the structural subset of JSON Schema that Kubernetes CRDs use (openAPIV3Schema): type, required,
/// properties, additionalProperties (false or a schema), items, enum, minimum, maximum, minItems, pattern, minLength.
/// The bundled schemas in Schemas/ are minimal hand-written versions of the KEDA and Spark Operator CRDs; unlike a real
/// CRD they close objects (additionalProperties: false) where the CRD's fields are all known, so typos fail here
/// instead of being pruned silently by the API server.
/// </summary>
public sealed class StructuralSchema
{
    private readonly JsonObject _schema;

    private StructuralSchema(JsonObject schema, string name)
    {
        _schema = schema;
        Name = name;
    }

    public string Name { get; }

    public static StructuralSchema Load(string fileName)
    {
        var path = RepoFiles.PathOf("tests/Pipeline.Testing/Deployment/Schemas/" + fileName);
        var node = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })
                   as JsonObject ?? throw new InvalidDataException($"{fileName}: the schema must be an object");
        return new StructuralSchema(node, fileName);
    }

    /// <summary>Every violation as "path: problem"; empty when the document conforms.</summary>
    public IReadOnlyList<string> Validate(JsonNode? document)
    {
        var errors = new List<string>();
        Check(_schema, document, "$", errors);
        return errors;
    }

    private static void Check(JsonObject schema, JsonNode? value, string path, List<string> errors)
    {
        if (schema["type"] is { } typeNode)
        {
            var allowed = typeNode is JsonArray arr ? arr.Select(t => (string)t!).ToArray() : [(string)typeNode!];
            var actual = KindOf(value);
            if (!allowed.Any(t => Matches(t, value, actual)))
            {
                errors.Add($"{path}: expected {string.Join(" or ", allowed)}, found {actual}{Sample(value)}");
                return;
            }
        }
        if (schema["enum"] is JsonArray options && value is not null)
        {
            if (!options.Any(o => JsonNode.DeepEquals(o, value)))
            {
                errors.Add($"{path}: {value.ToJsonString()} is not one of {options.ToJsonString()}");
            }
        }
        if (value is JsonValue scalar)
        {
            CheckScalar(schema, scalar, path, errors);
        }
        if (value is JsonObject obj)
        {
            CheckObject(schema, obj, path, errors);
        }
        if (value is JsonArray array)
        {
            if (schema["minItems"] is { } minItems && array.Count < (int)minItems)
            {
                errors.Add($"{path}: needs at least {(int)minItems} item(s), has {array.Count}");
            }
            if (schema["items"] is JsonObject itemSchema)
            {
                for (var i = 0; i < array.Count; i++)
                {
                    Check(itemSchema, array[i], $"{path}[{i}]", errors);
                }
            }
        }
    }

    private static void CheckObject(JsonObject schema, JsonObject obj, string path, List<string> errors)
    {
        if (schema["required"] is JsonArray required)
        {
            foreach (var name in required.Select(r => (string)r!))
            {
                if (!obj.ContainsKey(name) || obj[name] is null)
                {
                    errors.Add($"{path}: required field '{name}' is missing");
                }
            }
        }
        var properties = schema["properties"] as JsonObject;
        foreach (var (name, child) in obj)
        {
            if (properties?[name] is JsonObject propertySchema)
            {
                Check(propertySchema, child, $"{path}.{name}", errors);
            }
            else if (schema["additionalProperties"] is JsonObject additional)
            {
                Check(additional, child, $"{path}.{name}", errors);
            }
            else if (schema["additionalProperties"] is JsonValue closed && closed.GetValueKind() == JsonValueKind.False)
            {
                var known = properties is null ? "" : $" (known: {string.Join(", ", properties.Select(p => p.Key))})";
                errors.Add($"{path}: unknown field '{name}'{known}");
            }
        }
    }

    private static void CheckScalar(JsonObject schema, JsonValue scalar, string path, List<string> errors)
    {
        if (scalar.TryGetValue<double>(out var number) || (scalar.TryGetValue<long>(out var integer) && (number = integer) == integer))
        {
            if (schema["minimum"] is { } min && number < (double)min)
            {
                errors.Add($"{path}: {number} is below the minimum {(double)min}");
            }
            if (schema["maximum"] is { } max && number > (double)max)
            {
                errors.Add($"{path}: {number} is above the maximum {(double)max}");
            }
        }
        if (scalar.TryGetValue<string>(out var text))
        {
            if (schema["minLength"] is { } minLength && text.Length < (int)minLength)
            {
                errors.Add($"{path}: must not be empty");
            }
            if (schema["pattern"] is { } pattern && !Regex.IsMatch(text, (string)pattern!))
            {
                errors.Add($"{path}: '{text}' does not match {(string)pattern!}");
            }
        }
    }

    private static bool Matches(string type, JsonNode? value, string actual) => type switch
    {
        "integer" => actual == "integer",
        "number" => actual is "integer" or "number",
        _ => type == actual,
    };

    private static string KindOf(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => v.TryGetValue<long>(out _) || (v.TryGetValue<double>(out var d) && Math.Floor(d) == d && !v.ToJsonString().Contains('.')) ? "integer" : "number",
            _ => "null",
        },
        _ => "unknown",
    };

    private static string Sample(JsonNode? value) => value is JsonValue v ? $" ({v.ToJsonString()})" : "";
}
