// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
namespace Pipeline.Audit.Model;

public sealed record SectionScore
{
    public required string Name { get; init; }
    public double Score { get; init; }
    public double MaxScore { get; init; } = 7;
    public IReadOnlyList<TestScore> Tests { get; init; } = [];
}
