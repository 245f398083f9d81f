// pipeline-audit:ignore — part of the audit tool: it describes the rubric and is not evidence of this project's ML practice.
namespace Pipeline.Audit.Git;

internal sealed record HistoryScanOptions
{
    public DateOnly? Since { get; init; }
    public int MaxCommits { get; init; }
    public int Parallelism { get; init; } = 1;
    public int MaxScanBytes { get; init; } = 1_000_000;
    /// <summary>A path whose changing commits are recorded, so the file history needs no second walk over every commit.</summary>
    public string? WatchPath { get; init; }
}
