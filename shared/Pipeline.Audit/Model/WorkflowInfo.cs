// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
namespace Pipeline.Audit.Model;

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
