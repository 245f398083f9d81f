// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
namespace Pipeline.Audit.Catalog;

internal sealed record ToolDefinition
{
    public required string Name { get; init; }
    public required string Category { get; init; }
    public List<string> Paths { get; init; } = [];
    public List<string> Dependencies { get; init; } = [];
    public List<string> Imports { get; init; } = [];
    public List<string> Configs { get; init; } = [];
    public List<string> Keywords { get; init; } = [];
    public List<string> Ci { get; init; } = [];
}
