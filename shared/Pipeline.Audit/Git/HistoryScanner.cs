// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using LibGit2Sharp;
using Pipeline.Audit.Catalog;

namespace Pipeline.Audit.Git;

/// <summary>
/// One pass over the commit history: which files change per month, which tools the changed files mention, how often
/// workflows change, and benchmark/evaluation keywords in commit messages. Trees are diffed without patches (only
/// names and blob ids are needed), blobs are read only for files that can mention a tool and only once per blob id,
/// and the commit list is split over several threads, each with its own libgit2 repository handle.
/// Merge commits are counted but not diffed, as <c>git log --name-only</c> does.
/// </summary>
internal sealed class HistoryScanner(ToolCatalog catalog)
{
    private readonly Regex _keywordRegex = BuildKeywordRegex(catalog);

    public HistoryScanResult Scan(string repositoryPath, HistoryScanOptions options, CancellationToken ct = default)
    {
        var ids = new List<ObjectId>();
        var truncated = false;
        using (var repo = new Repository(repositoryPath))
        {
            var tip = repo.Head.Tip;
            if (tip is null) return new HistoryScanResult();
            foreach (var c in repo.Commits.QueryBy(new CommitFilter { IncludeReachableFrom = tip, SortBy = CommitSortStrategies.Time }))
            {
                if (options.MaxCommits > 0 && ids.Count >= options.MaxCommits) { truncated = true; break; }
                ids.Add(c.Id);
            }
        }

        var workers = Math.Max(1, Math.Min(options.Parallelism, ids.Count / 256 + 1));
        var partials = new HistoryScanResult[workers];
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = ct }, w =>
        {
            var from = (int)((long)ids.Count * w / workers);
            var to = (int)((long)ids.Count * (w + 1) / workers);
            partials[w] = ScanRange(repositoryPath, ids, from, to, options, ct);
        });

        var result = new HistoryScanResult { Truncated = truncated, CommitIds = ids };
        foreach (var p in partials) result.MergeFrom(p);
        return result;
    }

    private HistoryScanResult ScanRange(string repositoryPath, List<ObjectId> ids, int from, int to, HistoryScanOptions options, CancellationToken ct)
    {
        var r = new HistoryScanResult();
        var contentHits = new Dictionary<ObjectId, ToolHit[]>();
        var hits = new List<ToolHit>(8);
        var since = options.Since is { } s ? new DateTimeOffset(s.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : (DateTimeOffset?)null;
        var compare = new LibGit2Sharp.CompareOptions { Similarity = SimilarityOptions.None, IncludeUnmodified = false, ContextLines = 0 };

        using var repo = new Repository(repositoryPath);
        for (var i = from; i < to; i++)
        {
            if ((i & 255) == 0) ct.ThrowIfCancellationRequested();
            var commit = repo.Lookup<Commit>(ids[i]);
            var when = commit.Author.When;
            if (since is { } sd && when < sd) continue;
            var month = Month(when);
            r.Commits++;
            if (r.First is null || when < r.First) r.First = when;
            if (r.Last is null || when > r.Last) r.Last = when;
            r.CommitsByMonth[month] = r.CommitsByMonth.GetValueOrDefault(month) + 1;
            CountKeywords(commit.Message, month, r);

            Tree? parentTree = null;
            var parents = 0;
            foreach (var p in commit.Parents) { parents++; parentTree ??= p.Tree; }
            if (parents > 1) { r.Merges++; continue; }

            using var changes = repo.Diff.Compare<TreeChanges>(parentTree, commit.Tree, compare);
            Dictionary<string, int>? files = null;
            var workflowChanged = false;
            foreach (var ch in changes)
            {
                if (ch.Mode == Mode.GitLink || ch.OldMode == Mode.GitLink) continue;
                var path = ch.Path;
                if (path == options.WatchPath) r.WatchedCommits.Add(i);
                files ??= HistoryScanResult.GetOrAdd(r.FileChangesByMonth, month);
                files[path] = files.GetValueOrDefault(path) + 1;
                if (!workflowChanged && FileKinds.IsWorkflow(path)) workflowChanged = true;
                if (ch.Status == ChangeKind.Deleted) continue;

                hits.Clear();
                catalog.DetectByPath(path, hits);
                if (FileKinds.MayMentionTools(path))
                {
                    if (!contentHits.TryGetValue(ch.Oid, out var fromContent))
                    {
                        fromContent = DetectInBlob(repo, ch.Oid, path, options.MaxScanBytes, r);
                        contentHits[ch.Oid] = fromContent;
                    }
                    foreach (var h in fromContent)
                        if (!hits.Exists(x => x.Tool == h.Tool)) hits.Add(h);
                }
                foreach (var h in hits)
                {
                    var byMonth = HistoryScanResult.GetOrAdd(r.ToolsByMonth, h.Tool);
                    byMonth[month] = byMonth.GetValueOrDefault(month) + 1;
                }
            }
            if (workflowChanged) r.WorkflowChangesByMonth[month] = r.WorkflowChangesByMonth.GetValueOrDefault(month) + 1;
        }
        return r;
    }

    private ToolHit[] DetectInBlob(Repository repo, ObjectId oid, string path, int maxBytes, HistoryScanResult r)
    {
        var text = BlobText.Read(repo, oid, maxBytes);
        if (text is null || text.Contains(FileKinds.IgnoreMarker, StringComparison.Ordinal)) return [];
        r.BlobsScanned++;
        var found = new List<ToolHit>();
        catalog.DetectByContent(path, text, found);
        return found.ToArray();
    }

    private void CountKeywords(string message, string month, HistoryScanResult r)
    {
        for (var m = _keywordRegex.Match(message); m.Success; m = m.NextMatch())
        {
            for (var k = 0; k < catalog.Keywords.Count; k++)
            {
                if (!m.Groups[GroupName(k)].Success) continue;
                var byMonth = HistoryScanResult.GetOrAdd(r.KeywordsByMonth, k);
                byMonth[month] = byMonth.GetValueOrDefault(month) + 1;
                break;
            }
        }
    }

    internal static string GroupName(int k) => "k" + k.ToString(CultureInfo.InvariantCulture);

    /// <summary>One regex with a named group per keyword, matched on word boundaries, case-insensitively.</summary>
    internal static Regex BuildKeywordRegex(ToolCatalog catalog)
    {
        var sb = new StringBuilder(@"\b(?:");
        for (var k = 0; k < catalog.Keywords.Count; k++)
        {
            if (k > 0) sb.Append('|');
            sb.Append("(?<").Append(GroupName(k)).Append('>').Append(catalog.Keywords[k].Pattern).Append(')');
        }
        sb.Append(@")\b");
        return new Regex(sb.ToString(), RegexOptions.IgnoreCase | RegexOptions.Compiled | RegexOptions.CultureInvariant);
    }

    public static string Month(DateTimeOffset when) => when.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
