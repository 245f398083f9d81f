// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
using LibGit2Sharp;

namespace Pipeline.Audit.Git;

/// <summary>Everything one pass over the history gathers, keyed by month ("yyyy-MM", author date in UTC).</summary>
internal sealed class HistoryScanResult
{
    public int Commits { get; set; }
    public int Merges { get; set; }
    public bool Truncated { get; set; }
    public int BlobsScanned { get; set; }
    public DateTimeOffset? First { get; set; }
    public DateTimeOffset? Last { get; set; }
    /// <summary>Newest-first ids of the commits walked (after the MaxCommits cut), for follow-up passes.</summary>
    public IReadOnlyList<ObjectId> CommitIds { get; set; } = [];
    public Dictionary<string, int> CommitsByMonth { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, Dictionary<string, int>> FileChangesByMonth { get; } = new(StringComparer.Ordinal);
    /// <summary>tool index → month → changed files in which the tool was detected.</summary>
    public Dictionary<int, Dictionary<string, int>> ToolsByMonth { get; } = new();
    public Dictionary<string, int> WorkflowChangesByMonth { get; } = new(StringComparer.Ordinal);
    /// <summary>keyword index → month → occurrences in commit messages.</summary>
    public Dictionary<int, Dictionary<string, int>> KeywordsByMonth { get; } = new();
    /// <summary>Indices (into <see cref="CommitIds"/>) of the non-merge commits that changed <see cref="HistoryScanOptions.WatchPath"/>.</summary>
    public SortedSet<int> WatchedCommits { get; } = new();

    internal void MergeFrom(HistoryScanResult o)
    {
        Commits += o.Commits;
        Merges += o.Merges;
        BlobsScanned += o.BlobsScanned;
        if (o.First is { } f && (First is null || f < First)) First = f;
        if (o.Last is { } l && (Last is null || l > Last)) Last = l;
        Add(CommitsByMonth, o.CommitsByMonth);
        foreach (var (m, files) in o.FileChangesByMonth) Add(GetOrAdd(FileChangesByMonth, m), files);
        foreach (var (t, months) in o.ToolsByMonth) Add(GetOrAdd(ToolsByMonth, t), months);
        Add(WorkflowChangesByMonth, o.WorkflowChangesByMonth);
        foreach (var (k, months) in o.KeywordsByMonth) Add(GetOrAdd(KeywordsByMonth, k), months);
        WatchedCommits.UnionWith(o.WatchedCommits);
    }

    private static void Add(Dictionary<string, int> into, Dictionary<string, int> from)
    {
        foreach (var (k, v) in from) into[k] = into.GetValueOrDefault(k) + v;
    }

    internal static Dictionary<string, int> GetOrAdd<TKey>(Dictionary<TKey, Dictionary<string, int>> d, TKey key) where TKey : notnull
    {
        if (!d.TryGetValue(key, out var v)) d[key] = v = new Dictionary<string, int>(StringComparer.Ordinal);
        return v;
    }
}
