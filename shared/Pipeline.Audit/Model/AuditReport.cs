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
