// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
namespace Pipeline.Audit.Analysis;

/// <summary>Tools detected in the files at HEAD, with the files and how each was detected.</summary>
internal sealed record HeadTool(int Tool, IReadOnlyList<string> Files, IReadOnlyList<string> DetectedBy);
