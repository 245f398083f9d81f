using System.Text.RegularExpressions;
using System.Xml.Linq;
using Pipeline.Testing.Deployment;

namespace Pipeline.UnitTests.Hosting;

/// <summary>docs/architecture.md's Mermaid diagram is the layering: every project of shared/ and functions/ is in it, its
/// arrows are exactly the csproj ProjectReferences, and no project references one in its own layer or above.</summary>
public sealed partial class ArchitectureDiagramTests
{
    private sealed record Diagram(Dictionary<string, int> LayerOf, HashSet<(string From, string To)> Arrows);

    private static Diagram ParseDiagram()
    {
        var text = RepoFiles.Read("docs/architecture.md");
        var mermaid = MermaidBlock().Match(text);
        Assert.True(mermaid.Success, "docs/architecture.md has no ```mermaid block");
        var layerOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var arrows = new HashSet<(string, string)>();
        int? layer = null;
        foreach (var raw in mermaid.Groups[1].Value.Split('\n'))
        {
            var line = raw.Trim();
            var subgraph = LayerHeading().Match(line);
            if (subgraph.Success)
            {
                layer = int.Parse(subgraph.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                continue;
            }
            if (line == "end")
            {
                layer = null;
                continue;
            }
            var arrow = Arrow().Match(line);
            if (arrow.Success)
            {
                arrows.Add((arrow.Groups[1].Value, arrow.Groups[2].Value));
                continue;
            }
            var node = Node().Match(line);
            if (node.Success && layer is int l)
            {
                Assert.Equal(node.Groups[1].Value, node.Groups[2].Value.Split("<br/>")[0].Replace("Pipeline.", "", StringComparison.Ordinal));
                layerOf[node.Groups[1].Value] = l;
            }
        }
        return new Diagram(layerOf, arrows);
    }

    private static Dictionary<string, List<string>> ProjectReferences()
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var folder in new[] { "shared", "functions" })
        {
            foreach (var dir in Directory.EnumerateDirectories(RepoFiles.PathOf(folder)))
            {
                var name = Path.GetFileName(dir);
                var csproj = Path.Combine(dir, name + ".csproj");
                if (!File.Exists(csproj)) continue;
                result[Short(name)] = XDocument.Load(csproj).Descendants().Where(e => e.Name.LocalName == "ProjectReference")
                    .Select(e => Short(Path.GetFileNameWithoutExtension(e.Attribute("Include")!.Value.Replace('\\', '/'))))
                    .ToList();
            }
        }
        return result;
    }

    private static string Short(string project) => project.Replace("Pipeline.", "", StringComparison.Ordinal);

    [Fact]
    public void Every_project_is_in_one_layer_of_the_diagram()
    {
        var diagram = ParseDiagram();
        var projects = ProjectReferences().Keys.Order(StringComparer.Ordinal).ToList();
        Assert.True(projects.Count >= 12, $"found only {projects.Count} projects");
        Assert.Equal(projects, diagram.LayerOf.Keys.Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public void The_diagrams_arrows_are_the_project_references()
    {
        var diagram = ParseDiagram();
        var actual = ProjectReferences().SelectMany(p => p.Value.Select(r => (p.Key, r))).ToHashSet();
        Assert.Empty(actual.Except(diagram.Arrows).Select(a => $"{a.Item1} --> {a.Item2} is in a csproj but not in the diagram"));
        Assert.Empty(diagram.Arrows.Except(actual).Select(a => $"{a.Item1} --> {a.Item2} is in the diagram but in no csproj"));
    }

    [Fact]
    public void No_project_references_one_in_its_layer_or_above()
    {
        var diagram = ParseDiagram();
        var violations = new List<string>();
        foreach (var (project, references) in ProjectReferences())
        {
            foreach (var reference in references)
            {
                if (!diagram.LayerOf.TryGetValue(project, out var from) || !diagram.LayerOf.TryGetValue(reference, out var to))
                {
                    violations.Add($"{project} --> {reference}: a project missing from the diagram");
                }
                else if (to >= from)
                {
                    violations.Add($"{project} (layer {from}) references {reference} (layer {to})");
                }
            }
        }
        Assert.Empty(violations);
    }

    [Fact]
    public void The_layer_check_fails_on_an_upward_reference()
    {
        // The rule itself: Storage referencing Api would be an upward reference.
        var diagram = ParseDiagram();
        Assert.True(diagram.LayerOf["Api"] > diagram.LayerOf["Storage"]);
        Assert.True(diagram.LayerOf["Worker"] > diagram.LayerOf["Orchestration"]);
        Assert.DoesNotContain(("Api", "Embedded"), diagram.Arrows);
        Assert.DoesNotContain(("Worker", "Api"), diagram.Arrows);
    }

    [GeneratedRegex("```mermaid\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex MermaidBlock();

    [GeneratedRegex(@"^subgraph\s+\w+\[""Layer\s+(-?\d+):")]
    private static partial Regex LayerHeading();

    [GeneratedRegex(@"^(\w+)\s*-->\s*(\w+)$")]
    private static partial Regex Arrow();

    [GeneratedRegex(@"^(\w+)\[""([^""]+)""\]$")]
    private static partial Regex Node();
}
