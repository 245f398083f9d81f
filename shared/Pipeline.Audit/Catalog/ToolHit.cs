// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
namespace Pipeline.Audit.Catalog;

/// <summary>A tool detected in one file, and how.</summary>
internal readonly record struct ToolHit(int Tool, string How);
