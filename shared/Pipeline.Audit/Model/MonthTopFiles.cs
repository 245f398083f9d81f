// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
namespace Pipeline.Audit.Model;

public sealed record MonthTopFiles
{
    public required string Month { get; init; }
    public int Commits { get; init; }
    public IReadOnlyList<FileCount> Files { get; init; } = [];
}
