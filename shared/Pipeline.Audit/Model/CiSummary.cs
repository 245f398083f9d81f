// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
namespace Pipeline.Audit.Model;

public sealed record CiSummary
{
    /// <summary>CI definition files found at HEAD.</summary>
    public IReadOnlyList<string> Definitions { get; init; } = [];
    public bool RunsTests { get; init; }
    /// <summary>The CI command that runs tests, with the file it is in.</summary>
    public string? TestCommand { get; init; }
}
