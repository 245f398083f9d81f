namespace Pipeline.ML.Data;

/// <summary>
/// Turns issues into model rows. History features (repository activity, author history) are computed from the issues
/// strictly before each one's creation, and a closure only counts once it happened, so no row sees its own future.
/// </summary>
internal static class IssueFeaturizer
{
    /// <summary>
    /// THE feature function: training (<see cref="IssueDatasetBuilder"/>), serving (<c>PredictionService</c>) and drift
    /// (the prediction log's feature summary) all call it. Only what was known when the issue was opened goes in: the
    /// labels at creation (<see cref="IssueRecord.LabelsAtCreation"/>), the repository language, and history features
    /// computed from issues strictly before it (<see cref="ComputeHistory"/>). Targets are left empty; the dataset builder
    /// sets them.
    /// </summary>
    public static IssueModelInput ToInput(IssueRecord issue, HistoryFeatures history)
    {
        var text = IssueTextCleaner.Clean(issue.Title, issue.Body);
        return new IssueModelInput
        {
            Id = issue.Id,
            CreatedAtTicks = issue.CreatedAt.Ticks,
            Text = text,
            Repo = issue.Repo,
            AuthorAssociation = string.IsNullOrWhiteSpace(issue.AuthorAssociation) ? "NONE" : issue.AuthorAssociation.ToUpperInvariant(),
            Language = string.IsNullOrWhiteSpace(issue.Language) ? "unknown" : issue.Language,
            LabelsText = LabelsAsText(issue.LabelsAtCreation),
            TextLength = (float)Math.Log(1 + text.Length),
            RepoActivity30d = history.RepoActivity30d,
            RepoMeanCloseDays = history.RepoMeanCloseDays,
            AuthorPriorIssues = history.AuthorPriorIssues,
            AuthorFastCloseRate = history.AuthorFastCloseRate,
        };
    }

    /// <summary>History features of <paramref name="target"/> from <paramref name="known"/> issues (the repository's and
    /// the author's, in any order; the target itself may be among them): the same computation as for training.</summary>
    public static HistoryFeatures HistoryOf(IssueRecord target, IEnumerable<IssueRecord> known)
    {
        var list = known.Where(i => i.Id != target.Id).Append(target).ToList();
        return list.Count == 1 ? NoPriorIssues : ComputeHistory(list)[^1];
    }

    /// <summary>What <see cref="ComputeHistory"/> gives an issue with no other issue known: no activity, no closures, no
    /// prior issues, the smoothed rate (0+1)/(0+2). Served for every issue of a repository and author not read yet.</summary>
    public static HistoryFeatures NoPriorIssues { get; } = new(0, 0f, 0, (0 + 1f) / (0 + 2f));

    /// <summary>Token standing for "no labels known", so the label bag is never empty.</summary>
    public const string NoLabels = "none";

    public static string LabelsAsText(IEnumerable<string> labels)
    {
        var text = string.Join(' ', labels.Select(l => l.Trim().ToLowerInvariant().Replace(' ', '_').Replace(':', '_')).Where(l => l.Length > 0));
        return text.Length == 0 ? NoLabels : text;
    }

    /// <summary>History features for every issue (any order in, same order out), using only what was known at creation.</summary>
    public static IReadOnlyList<HistoryFeatures> ComputeHistory(IReadOnlyList<IssueRecord> issues)
    {
        var order = Enumerable.Range(0, issues.Count).OrderBy(i => issues[i].CreatedAt).ThenBy(i => issues[i].Id, StringComparer.Ordinal).ToArray();
        var result = new HistoryFeatures[issues.Count];
        var repoWindows = new Dictionary<string, Queue<DateTime>>();
        var repoClosed = new Dictionary<string, (double Sum, int Count)>();
        var authorOpened = new Dictionary<string, int>();
        var authorClosed = new Dictionary<string, (int Fast, int Closed)>();
        var closures = new PriorityQueue<IssueRecord, DateTime>();
        foreach (var idx in order)
        {
            var issue = issues[idx];
            var t = issue.CreatedAt;
            while (closures.TryPeek(out var done, out var closedAt) && closedAt < t)
            {
                closures.Dequeue();
                var days = done.DaysToClose!.Value;
                repoClosed[done.Repo] = repoClosed.TryGetValue(done.Repo, out var rc) ? (rc.Sum + days, rc.Count + 1) : (days, 1);
                var ac = authorClosed.GetValueOrDefault(done.Author);
                authorClosed[done.Author] = (ac.Fast + (days <= 7 ? 1 : 0), ac.Closed + 1);
            }
            if (!repoWindows.TryGetValue(issue.Repo, out var window)) repoWindows[issue.Repo] = window = new Queue<DateTime>();
            while (window.Count > 0 && window.Peek() < t.AddDays(-30)) window.Dequeue();
            var repoStats = repoClosed.GetValueOrDefault(issue.Repo);
            var authorStats = authorClosed.GetValueOrDefault(issue.Author);
            result[idx] = new HistoryFeatures(
                window.Count,
                repoStats.Count == 0 ? 0f : (float)(repoStats.Sum / repoStats.Count),
                authorOpened.GetValueOrDefault(issue.Author),
                (authorStats.Fast + 1f) / (authorStats.Closed + 2f));
            window.Enqueue(t);
            authorOpened[issue.Author] = authorOpened.GetValueOrDefault(issue.Author) + 1;
            if (issue.ClosedAt is { } c) closures.Enqueue(issue, c);
        }
        return result;
    }
}
