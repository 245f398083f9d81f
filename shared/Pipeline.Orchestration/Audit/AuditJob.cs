using Pipeline.Audit.Model;

namespace Pipeline.Orchestration.Audit;

/// <summary>Activity input: the request and the orchestration instance id, which is the report's key in <c>audits</c>.</summary>
public sealed record AuditJob(string InstanceId, AuditRequest Request);

/// <summary>What the orchestration returns: where the report is and its headline numbers.</summary>
public sealed record AuditJobResult(string InstanceId, string Collection, double Final, string Band, int CommitsAnalyzed);
