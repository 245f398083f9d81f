// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
namespace Pipeline.Audit.Model;

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
