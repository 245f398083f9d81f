// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
namespace Pipeline.Audit.Model;

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
