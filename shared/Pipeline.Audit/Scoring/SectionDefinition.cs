// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
namespace Pipeline.Audit.Scoring;

internal sealed record SectionDefinition(string Key, string Name);
