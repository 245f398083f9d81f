// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
namespace Pipeline.Audit.Git;

/// <summary>The repository could not be fetched (clone failed, offline...). Not the caller's fault; may succeed later.</summary>
internal sealed class AuditSourceUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
