// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
namespace Pipeline.Audit.Model;

public sealed record FileHistory
{
    public required string Path { get; init; }
    /// <summary>Earlier names followed through exact renames, newest first.</summary>
    public IReadOnlyList<string> PreviousPaths { get; init; } = [];
    public IReadOnlyList<FileCommit> Commits { get; init; } = [];
    public SortedDictionary<string, FileMonth> ByMonth { get; init; } = new();
    public int LinesAdded { get; init; }
    public int LinesRemoved { get; init; }
}
