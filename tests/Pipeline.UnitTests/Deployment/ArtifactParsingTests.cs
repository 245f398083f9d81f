using System.Text.Json;
using System.Text.RegularExpressions;
using Pipeline.Testing.Deployment;

namespace Pipeline.UnitTests.Deployment;

/// <summary>Every deployment artifact parses: YAML (all documents), JSON, and kustomize env files.</summary>
public sealed class ArtifactParsingTests
{
    public static TheoryData<string> YamlFiles()
    {
        var data = new TheoryData<string>();
        // Templates with {{placeholders}} are not YAML until rendered; SparkApplicationTests renders and checks them.
        foreach (var f in new[] { "docker", "infra", ".github" }.SelectMany(d => RepoFiles.Under(d, ".yml", ".yaml")).Where(f => !IsPlaceholderTemplate(f)))
        {
            data.Add(f);
        }
        return data;
    }

    public static bool IsPlaceholderTemplate(string file) => RepoFiles.Read(file).Contains("{{", StringComparison.Ordinal) && file.Contains(".template.", StringComparison.Ordinal);

    public static TheoryData<string> JsonFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in new[] { "docker", "infra", ".github", "tests/Pipeline.Testing/Deployment/Schemas" }.SelectMany(d => RepoFiles.Under(d, ".json"))
                     .Concat(new[] { "host.json", AppSettingsCatalog.LocalSettingsSamplePath }.Where(RepoFiles.Exists)))
        {
            data.Add(f);
        }
        return data;
    }

    public static TheoryData<string> EnvFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in RepoFiles.Under("infra", ".env").Concat(RepoFiles.Under("docker", ".env.sample")))
        {
            data.Add(f);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(YamlFiles))]
    public void Yaml_artifact_parses_into_at_least_one_document(string file)
    {
        var documents = YamlDocuments.ParseFile(RepoFiles.PathOf(file));
        Assert.Contains(documents, d => d is not null);
    }

    [Theory]
    [MemberData(nameof(JsonFiles))]
    public void Json_artifact_parses(string file)
    {
        // Comments are allowed where the consumer allows them (local.settings.json, our bundled schemas).
        using var doc = JsonDocument.Parse(RepoFiles.Read(file), new JsonDocumentOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = file.EndsWith("local.settings.sample.json", StringComparison.Ordinal),
        });
        Assert.True(doc.RootElement.ValueKind is JsonValueKind.Object or JsonValueKind.Array, $"{file}: root must be an object or array");
    }

    [Theory]
    [MemberData(nameof(EnvFiles))]
    public void Env_file_lines_are_comments_or_KEY_equals_value(string file)
    {
        var bad = RepoFiles.Read(file).Split('\n')
            .Select((line, i) => (line: line.TrimEnd('\r'), number: i + 1))
            .Where(l => l.line.Trim().Length > 0 && !l.line.TrimStart().StartsWith('#'))
            .Where(l => !Regex.IsMatch(l.line, @"^[A-Za-z_][A-Za-z0-9_.]*=.*$"))
            .Select(l => $"{file}:{l.number}: {l.line}")
            .ToList();
        Assert.True(bad.Count == 0, "Not KEY=value:\n" + string.Join("\n", bad));
    }

    [Fact]
    public void Artifact_discovery_finds_the_deployment_files()
    {
        // Guards the theories above against silently testing nothing (for example after a folder move).
        var yaml = ((IEnumerable<object[]>)YamlFiles()).Select(r => (string)r[0]).ToList();
        Assert.Contains("docker/docker-compose.yml", yaml);
        Assert.Contains("infra/k8s/base/kustomization.yaml", yaml);
        Assert.Contains("infra/argocd/application.yaml", yaml);
        Assert.Contains(yaml, f => f.StartsWith(".github/workflows/", StringComparison.Ordinal));
    }

    [Fact]
    public void Yaml_parser_rejects_duplicate_keys_and_keeps_quoted_numbers_as_strings()
    {
        Assert.Contains("Duplicate", Assert.ThrowsAny<Exception>(() => YamlDocuments.Parse("a: 1\na: 2\n")).Message, StringComparison.OrdinalIgnoreCase);
        var doc = (System.Text.Json.Nodes.JsonObject)YamlDocuments.Parse("q: \"500\"\np: 500\nb: true\nbase: &b {x: 1}\nm:\n  <<: *b\n  y: 2\n")[0]!;
        Assert.Equal(JsonValueKind.String, doc["q"]!.GetValueKind());
        Assert.Equal(JsonValueKind.Number, doc["p"]!.GetValueKind());
        Assert.Equal(JsonValueKind.True, doc["b"]!.GetValueKind());
        Assert.Equal(1L, (long)doc["m"]!["x"]!);
    }
}
