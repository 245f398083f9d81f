// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
using Pipeline.Audit.Model;

namespace Pipeline.Orchestration.Audit;

/// <summary>Activity input: the request and the orchestration instance id, which is the report's key in <c>audits</c>.</summary>
public sealed record AuditJob(string InstanceId, AuditRequest Request);
