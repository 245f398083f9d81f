// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
namespace Pipeline.Audit.Model;

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
