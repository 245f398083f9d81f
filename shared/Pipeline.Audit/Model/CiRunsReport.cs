// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
namespace Pipeline.Audit.Model;

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
