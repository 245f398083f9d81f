using System.Diagnostics;
using System.Globalization;
using LibGit2Sharp;
using Pipeline.Audit.Analysis;
using Pipeline.Audit.Catalog;
using Pipeline.Audit.Git;
using Pipeline.Audit.Model;
using Pipeline.Audit.Scoring;

namespace Pipeline.Audit;

/// <summary>
/// Audits one repository: history analyses (files per month, one file's history, tools per month, workflow changes, keywords),
/// the HEAD snapshot (workflows, tools, keywords), CI runs from the GitHub API, and the ML Test Score.
/// </summary>
public sealed class AuditService(AuditOptions options, ToolCatalog catalog, MlTestScoreRules rules, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public AuditService(AuditOptions options) : this(options, ToolCatalog.Default, MlTestScoreRules.Default) { }

    public AuditOptions Options => options;

    public async Task<AuditReport> AuditAsync(AuditRequest request, CancellationToken ct = default)
    {
        var stopwatch = Stopwatch.StartNew();
        var located = await Task.Run(() => RepositoryLocator.Locate(request, options, ct), ct);
        var topN = request.TopN ?? options.DefaultTopN;

        var history = await Task.Run(() => new HistoryScanner(catalog).Scan(located.OpenPath, new HistoryScanOptions
        {
            Since = request.Since,
            MaxCommits = options.MaxCommits,
            Parallelism = options.Parallelism > 0 ? options.Parallelism : Environment.ProcessorCount,
            MaxScanBytes = options.MaxScanBytes,
        }, ct), ct);

        RepositorySnapshot snapshot;
        FileHistory? fileHistory = null;
        string? head, branch;
        using (var repo = new Repository(located.OpenPath))
        {
            head = repo.Head.Tip?.Sha;
            branch = repo.Head.Tip is null ? null : repo.Head.FriendlyName;
            snapshot = RepositorySnapshot.FromHead(repo, options.MaxScanBytes);
            if (request.File is { Length: > 0 } file)
                fileHistory = FileHistoryScanner.Scan(repo, history.CommitIds, file, request.Since, options.MaxScanBytes);
        }
        ct.ThrowIfCancellationRequested();

        var workflows = snapshot.Paths.Where(FileKinds.IsWorkflow)
            .Select(p => WorkflowParser.Parse(p, snapshot.Text(p) ?? "")).ToList();
        var ci = CiContext.Build(snapshot);
        var headTools = HeadInventory.Tools(catalog, snapshot);
        var score = new MlTestScorer(rules, catalog).Score(snapshot, ci, headTools);
        var ciRuns = await new GitHubActionsRuns(options).GetAsync(located.GitHubRepository, request.Since, history.WorkflowChangesByMonth, ct);

        var months = MonthRange(history.First, history.Last);
        var tools = BuildTools(history, headTools);
        var elapsed = stopwatch.ElapsedMilliseconds;
        return new AuditReport
        {
            Repository = new RepositoryInfo
            {
                Source = located.Source,
                Path = located.Path,
                Repo = located.Repo,
                GitHubRepository = located.GitHubRepository,
                Head = head,
                Branch = branch,
                Since = request.Since,
                FirstCommitDate = history.First,
                LastCommitDate = history.Last,
                FilesAtHead = snapshot.Paths.Count,
            },
            GeneratedAt = _time.GetUtcNow(),
            MlTestScore = score,
            Tools = tools,
            ToolCategoriesByMonth = CategoriesByMonth(tools),
            TopFilesByMonth = TopFiles(history, topN),
            CiRunsByMonth = ciRuns,
            Workflows = workflows,
            WorkflowChangesByMonth = new SortedDictionary<string, int>(history.WorkflowChangesByMonth, StringComparer.Ordinal),
            Keywords = BuildKeywords(history, snapshot),
            FileHistory = fileHistory,
            Months = months,
            Statistics = new AuditStatistics
            {
                CommitsAnalyzed = history.Commits,
                MergeCommits = history.Merges,
                Truncated = history.Truncated,
                BlobsScanned = history.BlobsScanned,
                ElapsedMilliseconds = elapsed,
                CommitsPerSecond = elapsed == 0 ? history.Commits : Math.Round(history.Commits * 1000.0 / elapsed, 1),
            },
        };
    }

    private List<ToolUsage> BuildTools(HistoryScanResult history, IReadOnlyList<HeadTool> headTools)
    {
        var list = new List<ToolUsage>();
        for (var i = 0; i < catalog.Tools.Count; i++)
        {
            var byMonth = history.ToolsByMonth.GetValueOrDefault(i);
            var head = headTools.FirstOrDefault(h => h.Tool == i);
            if (byMonth is null && head is null) continue;
            var counts = new SortedDictionary<string, int>(byMonth ?? new Dictionary<string, int>(), StringComparer.Ordinal);
            list.Add(new ToolUsage
            {
                Name = catalog.Tools[i].Name,
                Category = catalog.Tools[i].Category,
                CountsByMonth = counts,
                Total = counts.Values.Sum(),
                FilesAtHead = head?.Files.Take(20).ToList() ?? [],
                DetectedBy = head?.DetectedBy ?? [],
            });
        }
        return list;
    }

    private SortedDictionary<string, SortedDictionary<string, int>> CategoriesByMonth(List<ToolUsage> tools)
    {
        var result = new SortedDictionary<string, SortedDictionary<string, int>>(StringComparer.Ordinal);
        foreach (var category in catalog.Categories)
        {
            var months = new SortedDictionary<string, int>(StringComparer.Ordinal);
            foreach (var t in tools.Where(t => t.Category == category))
                foreach (var (m, c) in t.CountsByMonth) months[m] = months.GetValueOrDefault(m) + c;
            result[category] = months;
        }
        return result;
    }

    private static List<MonthTopFiles> TopFiles(HistoryScanResult history, int topN) =>
        history.FileChangesByMonth.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => new MonthTopFiles
        {
            Month = m.Key,
            Commits = history.CommitsByMonth.GetValueOrDefault(m.Key),
            Files = m.Value.OrderByDescending(f => f.Value).ThenBy(f => f.Key, StringComparer.Ordinal).Take(topN)
                .Select(f => new FileCount(f.Key, f.Value)).ToList(),
        }).ToList();

    private List<KeywordUsage> BuildKeywords(HistoryScanResult history, RepositorySnapshot snapshot)
    {
        var atHead = HeadInventory.Keywords(catalog, snapshot);
        var list = new List<KeywordUsage>();
        for (var k = 0; k < catalog.Keywords.Count; k++)
        {
            var byMonth = new SortedDictionary<string, int>(history.KeywordsByMonth.GetValueOrDefault(k) ?? new Dictionary<string, int>(), StringComparer.Ordinal);
            var head = atHead.TryGetValue(k, out var h) ? h : (0, []);
            list.Add(new KeywordUsage
            {
                Keyword = catalog.Keywords[k].Keyword,
                Kind = catalog.Keywords[k].Kind,
                CommitMessagesByMonth = byMonth,
                CommitMessageTotal = byMonth.Values.Sum(),
                OccurrencesAtHead = head.Total,
                TopFilesAtHead = head.TopFiles,
            });
        }
        return list;
    }

    /// <summary>Every month from <paramref name="first"/> to <paramref name="last"/> inclusive.</summary>
    public static IReadOnlyList<string> MonthRange(DateTimeOffset? first, DateTimeOffset? last)
    {
        if (first is null || last is null) return [];
        var months = new List<string>();
        var d = new DateTime(first.Value.UtcDateTime.Year, first.Value.UtcDateTime.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        var end = new DateTime(last.Value.UtcDateTime.Year, last.Value.UtcDateTime.Month, 1, 0, 0, 0, DateTimeKind.Utc);
        for (; d <= end; d = d.AddMonths(1)) months.Add(d.ToString("yyyy-MM", CultureInfo.InvariantCulture));
        return months;
    }
}
