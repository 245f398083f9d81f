// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
namespace Pipeline.Audit.Scoring;

internal sealed record TestDefinition
{
    public required string Id { get; init; }
    public required string Section { get; init; }
    public required string Name { get; init; }
    public required string HowToEarn { get; init; }
    public List<EvidenceRule> Rules { get; init; } = [];
}
