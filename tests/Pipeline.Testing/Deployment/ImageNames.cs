using System.Text.RegularExpressions;

namespace Pipeline.Testing.Deployment;

/// <summary>Container image references: repository name (last path segment, no registry, tag or digest) and tag.</summary>
public static class ImageNames
{
    public static string Repository(string reference)
    {
        var withoutDigest = reference.Split('@')[0];
        var lastSlash = withoutDigest.LastIndexOf('/');
        var nameAndTag = lastSlash < 0 ? withoutDigest : withoutDigest[(lastSlash + 1)..];
        var colon = nameAndTag.IndexOf(':');
        return colon < 0 ? nameAndTag : nameAndTag[..colon];
    }

    /// <summary>The tag, or null when the reference has none (which means :latest).</summary>
    public static string? Tag(string reference)
    {
        var withoutDigest = reference.Split('@')[0];
        var lastSlash = withoutDigest.LastIndexOf('/');
        var nameAndTag = lastSlash < 0 ? withoutDigest : withoutDigest[(lastSlash + 1)..];
        var colon = nameAndTag.IndexOf(':');
        return colon < 0 ? null : nameAndTag[(colon + 1)..];
    }

    /// <summary>Removes ${{ expr }}, ${VAR} and $VAR so the literal parts of a templated reference remain.</summary>
    public static string WithoutVariables(string reference) =>
        Regex.Replace(reference, @"\$\{\{[^}]*\}\}|\$\{[^}]*\}|\$\w+", "").TrimEnd(':');

    public static bool HasDigest(string reference) => reference.Contains("@sha256:", StringComparison.Ordinal);

    /// <summary>Image repositories named by `docker build -t` / `--tag` / `tags:` in a shell or workflow text.</summary>
    public static IReadOnlyList<string> BuiltByDockerCommands(string text) =>
        Regex.Matches(text, @"(?:-t|--tag)[ =]+""?([^\s""]+)")
            .Select(m => Repository(WithoutVariables(m.Groups[1].Value)))
            .Where(r => r.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .ToList();
}
