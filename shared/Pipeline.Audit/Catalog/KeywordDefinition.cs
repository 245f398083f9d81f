// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
namespace Pipeline.Audit.Catalog;

internal sealed record KeywordDefinition
{
    public required string Keyword { get; init; }
    public required string Kind { get; init; }
    public required string Pattern { get; init; }
}
