using System.Xml.Linq;

namespace Pipeline.Testing.Deployment;

/// <summary>ProjectReference closure of a csproj, as repository-relative paths.</summary>
public static class ProjectGraph
{
    public static IReadOnlyList<string> TransitiveReferences(string relativeProject)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        stack.Push(Normalize(relativeProject));
        while (stack.Count > 0)
        {
            var project = stack.Pop();
            if (!seen.Add(project))
            {
                continue;
            }
            var full = RepoFiles.PathOf(project);
            if (!File.Exists(full))
            {
                throw new FileNotFoundException($"project {project} does not exist", full);
            }
            var dir = Path.GetDirectoryName(project)!.Replace('\\', '/');
            foreach (var reference in XDocument.Load(full).Descendants().Where(e => e.Name.LocalName == "ProjectReference"))
            {
                var include = reference.Attribute("Include")?.Value;
                if (include is not null)
                {
                    stack.Push(Normalize(dir + "/" + include.Replace('\\', '/')));
                }
            }
        }
        return seen.ToList();
    }

    /// <summary>Files a project pulls in from outside its own folder (None/Content/EmbeddedResource/Compile items with
    /// a relative Include such as ../../host.json), as repository-relative paths; items with a Condition (optional
    /// files such as local.settings.json) are left out.</summary>
    public static IReadOnlyList<string> ExternalItems(string relativeProject)
    {
        var dir = Path.GetDirectoryName(relativeProject)!.Replace('\\', '/');
        var kinds = new[] { "None", "Content", "EmbeddedResource", "Compile" };
        return XDocument.Load(RepoFiles.PathOf(relativeProject)).Descendants()
            .Where(e => kinds.Contains(e.Name.LocalName) && e.Attribute("Condition") is null && e.Parent?.Attribute("Condition") is null)
            .Select(e => e.Attribute("Include")?.Value)
            .OfType<string>()
            .Where(i => i.Replace('\\', '/').StartsWith("../", StringComparison.Ordinal))
            .Select(i => Normalize(dir + "/" + i.Replace('\\', '/')))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    private static string Normalize(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Replace('\\', '/').Split('/'))
        {
            if (part is "" or ".") continue;
            if (part == ".." && parts.Count > 0) { parts.RemoveAt(parts.Count - 1); continue; }
            parts.Add(part);
        }
        return string.Join('/', parts);
    }
}
