// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
namespace Pipeline.Audit.Model;

public sealed record FileCommit
{
    public required string Sha { get; init; }
    public DateTimeOffset Date { get; init; }
    public required string Author { get; init; }
    public required string Message { get; init; }
    /// <summary>"added", "modified", "deleted" or "renamed".</summary>
    public required string Change { get; init; }
    public string? Path { get; init; }
    public int LinesAdded { get; init; }
    public int LinesRemoved { get; init; }
}
