using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Pipeline.Testing.Deployment;

/// <summary>A GitHub Actions workflow file, parsed.</summary>
public sealed record Workflow(string File, JsonObject Root)
{
    public const string Folder = ".github/workflows";

    public static IReadOnlyList<Workflow> All() =>
        RepoFiles.Under(Folder, ".yml", ".yaml")
            .Select(f => new Workflow(f, YamlDocuments.ParseFile(RepoFiles.PathOf(f))[0] as JsonObject
                                         ?? throw new InvalidDataException($"{f} is not a mapping")))
            .ToList();

    public JsonObject Jobs => Root["jobs"] as JsonObject ?? [];

    public IEnumerable<(string Job, JsonObject Step)> Steps =>
        Jobs.SelectMany(j => ((j.Value?["steps"] as JsonArray)?.OfType<JsonObject>() ?? []).Select(s => (j.Key, s)));

    /// <summary>The (Dockerfile, image repository) pairs of every docker/build-push-action step, with ${{ matrix.x }}
    /// replaced by each matrix include entry.</summary>
    public IEnumerable<(string Dockerfile, string Image)> ImageBuilds()
    {
        foreach (var (name, job) in Jobs)
        {
            var entries = (job?["strategy"]?["matrix"]?["include"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [new JsonObject()];
            foreach (var step in (job?["steps"] as JsonArray)?.OfType<JsonObject>() ?? [])
            {
                if ((string?)step["uses"] is not { } uses || !uses.StartsWith("docker/build-push-action@", StringComparison.Ordinal))
                {
                    continue;
                }
                foreach (var entry in entries)
                {
                    string Expand(string s) => Regex.Replace(s, @"\$\{\{\s*matrix\.(\w+)\s*\}\}", m => entry[m.Groups[1].Value]?.ToString() ?? m.Value);
                    var file = Expand((string?)step["with"]?["file"] ?? "Dockerfile");
                    foreach (var tag in Expand((string?)step["with"]?["tags"] ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        yield return (file, ImageNames.Repository(ImageNames.WithoutVariables(tag)));
                    }
                }
            }
        }
    }
}
