using Pipeline.Embedded;

namespace Pipeline.Testing.Deployment;

/// <summary>Paths of the deployment artifacts in the checkout, relative to the repository root.</summary>
public static class RepoFiles
{
    private static readonly Lazy<string> RootPath = new(RepositoryPaths.FindRoot);

    public static string Root => RootPath.Value;

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public static bool Exists(string relative) => File.Exists(PathOf(relative)) || Directory.Exists(PathOf(relative));

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>Files under <paramref name="relativeDir"/> whose names end with one of <paramref name="suffixes"/>,
    /// as repository-relative paths with forward slashes, sorted. Missing folder: none.</summary>
    public static IReadOnlyList<string> Under(string relativeDir, params string[] suffixes)
    {
        var dir = PathOf(relativeDir);
        if (!Directory.Exists(dir))
        {
            return [];
        }
        return Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Where(f => suffixes.Any(s => f.EndsWith(s, StringComparison.OrdinalIgnoreCase)))
            .Select(f => Path.GetRelativePath(Root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(f => !f.Contains("/bin/") && !f.Contains("/obj/") && !f.Contains("node_modules/"))
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
