// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
namespace Pipeline.Audit.Model;

/// <summary>The audit of one repository. Serialised as camelCase JSON; the schema is documented in docs/audit.md.</summary>
public sealed record AuditReport
{
    public required RepositoryInfo Repository { get; init; }
    public DateTimeOffset GeneratedAt { get; init; }
    public required MlTestScoreReport MlTestScore { get; init; }
    public IReadOnlyList<ToolUsage> Tools { get; init; } = [];
    /// <summary>category → month → occurrences, the data of the tool-category heatmap.</summary>
    public SortedDictionary<string, SortedDictionary<string, int>> ToolCategoriesByMonth { get; init; } = new();
    public IReadOnlyList<MonthTopFiles> TopFilesByMonth { get; init; } = [];
    public required CiRunsReport CiRunsByMonth { get; init; }
    public IReadOnlyList<WorkflowInfo> Workflows { get; init; } = [];
    /// <summary>month → commits that changed a file under .github/workflows/.</summary>
    public SortedDictionary<string, int> WorkflowChangesByMonth { get; init; } = new();
    public IReadOnlyList<KeywordUsage> Keywords { get; init; } = [];
    public FileHistory? FileHistory { get; init; }
    /// <summary>Every month from the first to the last analysed commit, so charts have no holes.</summary>
    public IReadOnlyList<string> Months { get; init; } = [];
    public required AuditStatistics Statistics { get; init; }
    /// <summary>Names the generator and carries the ignore marker, so a committed report is never evidence in a later audit.</summary>
    public string Generator { get; init; } = "Pipeline repository audit (pipeline-audit:ignore: a generated report is not evidence)";
}

public sealed record RepositoryInfo
{
    /// <summary>"path" or "repo".</summary>
    public required string Source { get; init; }
    public string? Path { get; init; }
    public string? Repo { get; init; }
    /// <summary>GitHub owner/name derived from the origin remote (or the request), when known.</summary>
    public string? GitHubRepository { get; init; }
    public string? Head { get; init; }
    public string? Branch { get; init; }
    public DateOnly? Since { get; init; }
    public DateTimeOffset? FirstCommitDate { get; init; }
    public DateTimeOffset? LastCommitDate { get; init; }
    public int FilesAtHead { get; init; }
}

public sealed record AuditStatistics
{
    public int CommitsAnalyzed { get; init; }
    public int MergeCommits { get; init; }
    /// <summary>True when <see cref="AuditOptions.MaxCommits"/> cut the history short.</summary>
    public bool Truncated { get; init; }
    public int BlobsScanned { get; init; }
    public long ElapsedMilliseconds { get; init; }
    public double CommitsPerSecond { get; init; }
    /// <summary>Where the time went: locate, history, snapshot, fileHistory, score, ciRuns, assemble.</summary>
    public SortedDictionary<string, long> PhaseMilliseconds { get; init; } = new();
}

public sealed record MlTestScoreReport
{
    public required MlTestScoreSections Sections { get; init; }
    /// <summary>Minimum of the four section scores (Breck et al. 2017).</summary>
    public double Final { get; init; }
    /// <summary>The paper's interpretation of <see cref="Final"/> (Table V).</summary>
    public required string Band { get; init; }
    /// <summary>Which CI systems were found and whether they run tests, the basis of "automated" points.</summary>
    public required CiSummary Ci { get; init; }
}

public sealed record MlTestScoreSections
{
    public required SectionScore Data { get; init; }
    public required SectionScore Model { get; init; }
    public required SectionScore Infrastructure { get; init; }
    public required SectionScore Monitoring { get; init; }

    public IEnumerable<(string Key, SectionScore Section)> All()
    {
        yield return ("data", Data);
        yield return ("model", Model);
        yield return ("infrastructure", Infrastructure);
        yield return ("monitoring", Monitoring);
    }
}

public sealed record SectionScore
{
    public required string Name { get; init; }
    public double Score { get; init; }
    public double MaxScore { get; init; } = 7;
    public IReadOnlyList<TestScore> Tests { get; init; } = [];
}

public sealed record TestScore
{
    /// <summary>"data-1" ... "monitor-7".</summary>
    public required string Id { get; init; }
    /// <summary>The test's name in the paper.</summary>
    public required string Name { get; init; }
    /// <summary>0, 0.5 (present but manual / not run in CI) or 1 (automated and run in CI).</summary>
    public double Score { get; init; }
    /// <summary>"missing", "manual" or "automated".</summary>
    public required string Status { get; init; }
    public IReadOnlyList<Evidence> Evidence { get; init; } = [];
    /// <summary>What would earn the next point.</summary>
    public required string HowToEarn { get; init; }
}

public sealed record Evidence
{
    public required string Path { get; init; }
    /// <summary>The rule that matched, in words.</summary>
    public required string Rule { get; init; }
    public int? Line { get; init; }
    public string? Excerpt { get; init; }
    public bool Automated { get; init; }
    /// <summary>Why it counts as automated, or why only as manual.</summary>
    public required string Reason { get; init; }
}

public sealed record CiSummary
{
    /// <summary>CI definition files found at HEAD.</summary>
    public IReadOnlyList<string> Definitions { get; init; } = [];
    public bool RunsTests { get; init; }
    /// <summary>The CI command that runs tests, with the file it is in.</summary>
    public string? TestCommand { get; init; }
}

public sealed record ToolUsage
{
    public required string Name { get; init; }
    public required string Category { get; init; }
    /// <summary>month → number of changed files (over the month's commits) in which the tool was detected.</summary>
    public SortedDictionary<string, int> CountsByMonth { get; init; } = new();
    public int Total { get; init; }
    /// <summary>Files at HEAD where the tool is detected (first 20).</summary>
    public IReadOnlyList<string> FilesAtHead { get; init; } = [];
    /// <summary>How it was detected at HEAD: path, dependency, import, config.</summary>
    public IReadOnlyList<string> DetectedBy { get; init; } = [];
}

public sealed record MonthTopFiles
{
    public required string Month { get; init; }
    public int Commits { get; init; }
    public IReadOnlyList<FileCount> Files { get; init; } = [];
}

public sealed record FileCount(string Path, int Count);

public sealed record CiRunsReport
{
    /// <summary>"github-api" (runs from the Actions API) or "workflow-file-changes" (offline fallback).</summary>
    public required string Source { get; init; }
    /// <summary>Why the fallback was used, when it was.</summary>
    public string? Note { get; init; }
    public IReadOnlyList<CiMonth> Months { get; init; } = [];
    public int TotalRuns { get; init; }
    /// <summary>Successful / (successful + failed) over all runs; null in the fallback or without finished runs.</summary>
    public double? SuccessRate { get; init; }
}

public sealed record CiMonth
{
    public required string Month { get; init; }
    /// <summary>Runs created this month (API), or commits changing workflow files (fallback).</summary>
    public int Runs { get; init; }
    public int? Succeeded { get; init; }
    public int? Failed { get; init; }
    public int? Cancelled { get; init; }
    public double? SuccessRate { get; init; }
}

public sealed record WorkflowInfo
{
    public required string Path { get; init; }
    public string? Name { get; init; }
    public IReadOnlyList<string> Triggers { get; init; } = [];
    /// <summary>Cron expressions of schedule triggers.</summary>
    public IReadOnlyList<string> Schedules { get; init; } = [];
    public IReadOnlyList<WorkflowJob> Jobs { get; init; } = [];
    /// <summary>Set when the YAML could not be parsed.</summary>
    public string? Error { get; init; }
}

public sealed record WorkflowJob
{
    public required string Id { get; init; }
    public string? Name { get; init; }
    public IReadOnlyList<string> RunsOn { get; init; } = [];
    public IReadOnlyList<string> Needs { get; init; } = [];
    public int Steps { get; init; }
    /// <summary>Actions used (<c>uses:</c>).</summary>
    public IReadOnlyList<string> Uses { get; init; } = [];
    /// <summary>Shell commands (<c>run:</c>).</summary>
    public IReadOnlyList<string> Run { get; init; } = [];
}

public sealed record KeywordUsage
{
    public required string Keyword { get; init; }
    /// <summary>"benchmark" or "evaluation".</summary>
    public required string Kind { get; init; }
    /// <summary>month → occurrences in commit messages.</summary>
    public SortedDictionary<string, int> CommitMessagesByMonth { get; init; } = new();
    public int CommitMessageTotal { get; init; }
    /// <summary>Occurrences in text files at HEAD.</summary>
    public int OccurrencesAtHead { get; init; }
    /// <summary>Files at HEAD with the most occurrences (first 10).</summary>
    public IReadOnlyList<FileCount> TopFilesAtHead { get; init; } = [];
}

public sealed record FileHistory
{
    public required string Path { get; init; }
    /// <summary>Earlier names followed through exact renames, newest first.</summary>
    public IReadOnlyList<string> PreviousPaths { get; init; } = [];
    public IReadOnlyList<FileCommit> Commits { get; init; } = [];
    public SortedDictionary<string, FileMonth> ByMonth { get; init; } = new();
    public int LinesAdded { get; init; }
    public int LinesRemoved { get; init; }
}

public sealed record FileCommit
{
    public required string Sha { get; init; }
    public DateTimeOffset Date { get; init; }
    public required string Author { get; init; }
    public required string Message { get; init; }
    /// <summary>"added", "modified", "deleted" or "renamed".</summary>
    public required string Change { get; init; }
    public string? Path { get; init; }
    public int LinesAdded { get; init; }
    public int LinesRemoved { get; init; }
}

public sealed record FileMonth(int Commits, int LinesAdded, int LinesRemoved);
