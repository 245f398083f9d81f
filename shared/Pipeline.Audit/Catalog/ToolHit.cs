// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Pipeline.Audit.Catalog;

/// <summary>A tool detected in one file, and how.</summary>
public readonly record struct ToolHit(int Tool, string How);
