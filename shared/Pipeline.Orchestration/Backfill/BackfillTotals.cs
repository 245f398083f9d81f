using Pipeline.Ingestion.Archive;

namespace Pipeline.Orchestration.Backfill;

/// <summary>Running totals of a backfill, carried from one generation to the next.</summary>
public sealed record BackfillTotals(int FilesDone, long Events, long Skipped, long Lines, long Errors, long Bytes, int FailedFiles)
{
    /// <summary>The files that failed (at most <see cref="BackfillOrchestrator.MaxListedFiles"/>).</summary>
    public IReadOnlyList<BackfillFileResult> Failed { get; init; } = [];

    /// <summary>Every file's result, kept only while the backfill has at most <see cref="BackfillOrchestrator.MaxListedFiles"/> files.</summary>
    public IReadOnlyList<BackfillFileResult> PerFile { get; init; } = [];

    public static BackfillTotals Empty { get; } = new(0, 0, 0, 0, 0, 0, 0);

    public BackfillTotals Add(BackfillFileResult r, bool listAll) => new(FilesDone + 1, Events + r.Events, Skipped + r.Skipped, Lines + r.Lines,
        Errors + r.Errors, Bytes + r.Bytes, FailedFiles + (r.Failure is null ? 0 : 1))
    {
        Failed = r.Failure is not null && Failed.Count < BackfillOrchestrator.MaxListedFiles ? [.. Failed, r] : Failed,
        PerFile = listAll ? [.. PerFile, r] : PerFile,
    };
}
