// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
namespace Pipeline.Audit.Model;

public sealed record KeywordUsage
{
    public required string Keyword { get; init; }
    /// <summary>"benchmark" or "evaluation".</summary>
    public required string Kind { get; init; }
    /// <summary>month → occurrences in commit messages.</summary>
    public SortedDictionary<string, int> CommitMessagesByMonth { get; init; } = new();
    public int CommitMessageTotal { get; init; }
    /// <summary>Occurrences in text files at HEAD.</summary>
    public int OccurrencesAtHead { get; init; }
    /// <summary>Files at HEAD with the most occurrences (first 10).</summary>
    public IReadOnlyList<FileCount> TopFilesAtHead { get; init; } = [];
}
