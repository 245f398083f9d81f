// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
namespace Pipeline.Audit.Model;

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
