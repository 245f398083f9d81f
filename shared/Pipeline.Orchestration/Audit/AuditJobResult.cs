// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
namespace Pipeline.Orchestration.Audit;

/// <summary>What the orchestration returns: where the report is and its headline numbers.</summary>
public sealed record AuditJobResult(string InstanceId, string Collection, double Final, string Band, int CommitsAnalyzed);
