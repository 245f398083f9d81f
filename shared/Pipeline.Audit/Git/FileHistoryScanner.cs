// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
using LibGit2Sharp;
using Pipeline.Audit.Model;

namespace Pipeline.Audit.Git;

/// <summary>
/// The history of one file: every non-merge commit whose tree changes the file's blob, newest first, with lines added and
/// removed (a blob-to-blob diff, so only this file is ever diffed with content). Exact renames are followed backwards.
/// </summary>
internal static class FileHistoryScanner
{
    /// <param name="changedAt">
    /// Indices of the commits already known to change <paramref name="path"/> (from the history pass); only those are examined
    /// until a rename switches to the older name, after which older commits are examined one by one. Null examines every commit.
    /// </param>
    public static FileHistory Scan(Repository repo, IReadOnlyList<ObjectId> newestFirst, string path, DateOnly? since, int maxBytes, ISet<int>? changedAt = null)
    {
        path = path.Replace('\\', '/').TrimStart('/');
        var current = path;
        var previous = new List<string>();
        var commits = new List<FileCommit>();
        var byMonth = new SortedDictionary<string, FileMonth>(StringComparer.Ordinal);
        var sinceDate = since is { } s ? new DateTimeOffset(s.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : (DateTimeOffset?)null;

        var followingRename = false;
        for (var index = 0; index < newestFirst.Count; index++)
        {
            if (changedAt is not null && !followingRename && !changedAt.Contains(index)) continue;
            var commit = repo.Lookup<Commit>(newestFirst[index]);
            Commit? parent = null;
            var parents = 0;
            foreach (var p in commit.Parents) { parents++; parent ??= p; }
            if (parents > 1) continue;

            var entry = BlobEntry(commit, current);
            var parentEntry = parent is null ? null : BlobEntry(parent, current);
            if (entry is null && parentEntry is null) continue;
            if (entry is not null && parentEntry is not null && entry.Target.Id == parentEntry.Target.Id) continue;

            string change;
            int added, removed;
            string? renamedFrom = null;
            if (entry is not null && parentEntry is null)
            {
                renamedFrom = parent is null ? null : FindExactRenameSource(repo, parent, commit, current);
                if (renamedFrom is not null)
                {
                    change = "renamed";
                    (added, removed) = (0, 0);
                }
                else
                {
                    change = "added";
                    (added, removed) = (BlobText.CountLines(repo, entry.Target.Id, maxBytes), 0);
                }
            }
            else if (entry is null)
            {
                change = "deleted";
                (added, removed) = (0, BlobText.CountLines(repo, parentEntry!.Target.Id, maxBytes));
            }
            else
            {
                change = "modified";
                var diff = repo.Diff.Compare((Blob)parentEntry!.Target, (Blob)entry.Target);
                (added, removed) = diff.IsBinaryComparison ? (0, 0) : (diff.LinesAdded, diff.LinesDeleted);
            }

            var when = commit.Author.When;
            if (sinceDate is null || when >= sinceDate)
            {
                commits.Add(new FileCommit
                {
                    Sha = commit.Sha,
                    Date = when,
                    Author = commit.Author.Name,
                    Message = commit.MessageShort,
                    Change = change,
                    Path = current,
                    LinesAdded = added,
                    LinesRemoved = removed,
                });
                var month = HistoryScanner.Month(when);
                var m = byMonth.GetValueOrDefault(month) ?? new FileMonth(0, 0, 0);
                byMonth[month] = new FileMonth(m.Commits + 1, m.LinesAdded + added, m.LinesRemoved + removed);
            }
            if (renamedFrom is not null)
            {
                previous.Add(renamedFrom);
                current = renamedFrom;
                followingRename = true;
            }
        }

        return new FileHistory
        {
            Path = path,
            PreviousPaths = previous,
            Commits = commits,
            ByMonth = byMonth,
            LinesAdded = commits.Sum(c => c.LinesAdded),
            LinesRemoved = commits.Sum(c => c.LinesRemoved),
        };
    }

    private static TreeEntry? BlobEntry(Commit commit, string path)
    {
        var e = commit[path];
        return e is { TargetType: TreeEntryTargetType.Blob } ? e : null;
    }

    /// <summary>The path in <paramref name="parent"/> that held exactly this blob and disappeared in <paramref name="commit"/>.</summary>
    private static string? FindExactRenameSource(Repository repo, Commit parent, Commit commit, string path)
    {
        var options = new CompareOptions { Similarity = SimilarityOptions.Exact, IncludeUnmodified = false };
        using var changes = repo.Diff.Compare<TreeChanges>(parent.Tree, commit.Tree, options);
        foreach (var ch in changes.Renamed)
            if (ch.Path == path) return ch.OldPath;
        return null;
    }
}
