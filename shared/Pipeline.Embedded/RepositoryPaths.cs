namespace Pipeline.Embedded;

public static class RepositoryPaths
{
    /// <summary>The repository root (the folder holding Pipeline.sln), found by walking up from the app's base directory
    /// or the current directory; null when running outside a checkout (for example in a container).</summary>
    public static string? TryFindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")))
                {
                    return dir.FullName;
                }
            }
        }
        return null;
    }

    public static string FindRoot() => TryFindRoot()
        ?? throw new InvalidOperationException("Cannot find Pipeline.sln above " + AppContext.BaseDirectory);

    /// <summary>An executable from the repository's node_modules/.bin (installed by `npm ci`).</summary>
    public static string NodeBin(string name)
    {
        var root = TryFindRoot();
        var candidates = new List<string>();
        if (root is not null) candidates.Add(Path.Combine(root, "node_modules", ".bin", name));
        candidates.Add(Path.Combine(AppContext.BaseDirectory, "node_modules", ".bin", name));
        foreach (var c in candidates)
        {
            if (File.Exists(c)) return c;
        }
        throw new FileNotFoundException($"'{name}' is not installed: run `npm ci` at the repository root (looked in {string.Join(", ", candidates)}).");
    }
}
