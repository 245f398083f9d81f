// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
namespace Pipeline.Audit.Git;

/// <summary>The request does not describe an auditable repository (HTTP 400 / CLI usage error).</summary>
public sealed class AuditInputException(string message) : Exception(message);
