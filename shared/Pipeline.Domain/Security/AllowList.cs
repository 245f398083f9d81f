namespace Pipeline.Domain.Security;

/// <summary>
/// Checks of caller-supplied locations against configured allow-lists (server-side request forgery and path traversal
/// guards). The checks are lexical on the normalised full path, plus the final target of a symbolic link when the path is
/// one, so an answer never depends on whether a path outside the roots exists.
/// </summary>
public static class AllowList
{
    /// <summary>True when <paramref name="path"/> (absolute or relative to the working directory) lies under one of
    /// <paramref name="roots"/>, after resolving <c>..</c> segments and, when the file is a link, its final target.</summary>
    public static bool IsUnderRoot(string path, IEnumerable<string> roots)
    {
        ArgumentNullException.ThrowIfNull(roots);
        if (string.IsNullOrWhiteSpace(path)) return false;
        string full;
        try
        {
            full = Path.GetFullPath(path.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? new Uri(path).LocalPath : path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException or UriFormatException)
        {
            return false;
        }
        var rootList = roots.Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => Path.TrimEndingDirectorySeparator(Path.GetFullPath(r))).ToList();
        if (!rootList.Any(r => Contains(r, full))) return false;
        // Inside a root: the file or a folder on the way to it may be a link that points out of it.
        try
        {
            for (var p = full; p is not null && !rootList.Any(r => string.Equals(r, p, StringComparison.Ordinal)); p = Path.GetDirectoryName(p))
            {
                FileSystemInfo info = Directory.Exists(p) ? new DirectoryInfo(p) : new FileInfo(p);
                if (info.LinkTarget is null) continue;
                var target = info.ResolveLinkTarget(returnFinalTarget: true);
                if (target is null || !rootList.Any(r => Contains(r, Path.GetFullPath(target.FullName)))) return false;
            }
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>True when <paramref name="url"/> is an absolute http(s) URL whose host (or host:port) is in <paramref name="hosts"/>
    /// (case-insensitive, exact: no wildcard or subdomain match).</summary>
    public static bool IsAllowedHost(string url, IEnumerable<string> hosts)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) return false;
        if (!string.IsNullOrEmpty(uri.UserInfo)) return false;
        return hosts.Any(h => !string.IsNullOrWhiteSpace(h)
            && (string.Equals(h.Trim(), uri.Host, StringComparison.OrdinalIgnoreCase)
                || string.Equals(h.Trim(), uri.Authority, StringComparison.OrdinalIgnoreCase)));
    }

    private static bool Contains(string root, string full)
    {
        var comparison = OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return full.Equals(root, comparison)
            || (full.StartsWith(root, comparison) && full.Length > root.Length && (full[root.Length] == Path.DirectorySeparatorChar || full[root.Length] == Path.AltDirectorySeparatorChar));
    }
}
