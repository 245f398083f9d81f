// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
namespace Pipeline.Audit.Model;

public sealed record AuditStatistics
{
    public int CommitsAnalyzed { get; init; }
    public int MergeCommits { get; init; }
    /// <summary>True when <see cref="AuditOptions.MaxCommits"/> cut the history short.</summary>
    public bool Truncated { get; init; }
    public int BlobsScanned { get; init; }
    public long ElapsedMilliseconds { get; init; }
    public double CommitsPerSecond { get; init; }
    /// <summary>Where the time went: locate, history, snapshot, fileHistory, score, ciRuns, assemble.</summary>
    public SortedDictionary<string, long> PhaseMilliseconds { get; init; } = new();
}
