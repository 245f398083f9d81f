// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
namespace Pipeline.Audit.Model;

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
