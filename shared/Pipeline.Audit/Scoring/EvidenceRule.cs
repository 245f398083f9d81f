// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
using System.Text.RegularExpressions;

namespace Pipeline.Audit.Scoring;

internal sealed record EvidenceRule
{
    public required string Description { get; init; }
    public string? Path { get; init; }
    public string? Content { get; init; }
    public List<string> Scope { get; init; } = [];
    public List<string> Tools { get; init; } = [];
    public List<string> ToolCategories { get; init; } = [];
    /// <summary>"ci" (default): automated when CI exercises the evidence; "always": a service acts on it; "manual": never automated.</summary>
    public string Automation { get; init; } = "ci";

    internal Regex? PathRegex { get; private set; }
    internal Regex? ContentRegex { get; private set; }

    internal void Compile()
    {
        if (Automation is not ("ci" or "always" or "manual")) throw new InvalidDataException($"Rule '{Description}': unknown automation '{Automation}'");
        PathRegex = Path is null ? null : new Regex(Path, RegexOptions.Compiled | RegexOptions.CultureInvariant);
        ContentRegex = Content is null ? null : new Regex(Content, RegexOptions.Compiled | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase | RegexOptions.Multiline);
        if (PathRegex is null && ContentRegex is null && Tools.Count == 0 && ToolCategories.Count == 0)
            throw new InvalidDataException($"Rule '{Description}' has no path, content or tools");
        foreach (var s in Scope)
            if (s is not ("code" or "tests" or "config" or "docs" or "ci")) throw new InvalidDataException($"Rule '{Description}': unknown scope '{s}'");
    }
}
