using Pipeline.Ingestion.Archive;

namespace Pipeline.Orchestration.Backfill;

/// <summary>Output of <see cref="BackfillOrchestrator"/>.</summary>
public sealed record BackfillJobResult(int Files, int FailedFiles, long Events, long Lines, long Errors, long Bytes, IReadOnlyList<BackfillFileResult> PerFile)
{
    public long Skipped { get; init; }

    /// <summary>The files that failed (at most <see cref="BackfillOrchestrator.MaxListedFiles"/> listed).</summary>
    public IReadOnlyList<BackfillFileResult> Failed { get; init; } = [];

    /// <summary>The aggregation run after the import: its instance id and how it ended (null when none was asked for).</summary>
    public string? Aggregation { get; init; }
}
