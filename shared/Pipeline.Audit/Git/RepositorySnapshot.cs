// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
using LibGit2Sharp;
using Pipeline.Audit.Catalog;

namespace Pipeline.Audit.Git;

/// <summary>
/// The files of the HEAD commit: every path, and the text of the files that can be evidence (code, configs, manifests, docs)
/// up to a size limit. Files carrying <see cref="FileKinds.IgnoreMarker"/> are listed but flagged as ignored.
/// </summary>
internal sealed class RepositorySnapshot
{
    public IReadOnlyList<string> Paths { get; }
    public IReadOnlyDictionary<string, string> Texts { get; }
    private readonly HashSet<string> _ignored;

    public RepositorySnapshot(IReadOnlyList<string> paths, IReadOnlyDictionary<string, string> texts)
    {
        Paths = paths;
        Texts = texts;
        _ignored = texts.Where(t => t.Value.Contains(FileKinds.IgnoreMarker, StringComparison.Ordinal)).Select(t => t.Key).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>True for files that opted out of being evidence.</summary>
    public bool IsIgnored(string path) => _ignored.Contains(path);

    public string? Text(string path) => Texts.TryGetValue(path, out var t) ? t : null;

    public static RepositorySnapshot FromHead(Repository repo, int maxBytes)
    {
        var paths = new List<string>();
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        var tip = repo.Head.Tip;
        if (tip is not null) Walk(repo, tip.Tree, "", paths, texts, maxBytes);
        paths.Sort(StringComparer.Ordinal);
        return new RepositorySnapshot(paths, texts);
    }

    private static void Walk(Repository repo, Tree tree, string prefix, List<string> paths, Dictionary<string, string> texts, int maxBytes)
    {
        foreach (var e in tree)
        {
            var path = prefix + e.Name;
            switch (e.TargetType)
            {
                case TreeEntryTargetType.Tree:
                    Walk(repo, (Tree)e.Target, path + "/", paths, texts, maxBytes);
                    break;
                case TreeEntryTargetType.Blob when e.Mode != Mode.SymbolicLink:
                    paths.Add(path);
                    if (FileKinds.IsText(path) && BlobText.Read(repo, e.Target.Id, maxBytes) is { } text) texts[path] = text;
                    break;
            }
        }
    }
}
