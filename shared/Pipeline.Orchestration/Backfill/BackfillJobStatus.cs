namespace Pipeline.Orchestration.Backfill;

/// <summary>Custom status while a backfill runs (read by <c>GET /api/backfill/{id}</c>): files done of total, events kept
/// (<see cref="Events"/>) and skipped by the filter, bad lines, bytes, rate and the estimated time left.</summary>
internal sealed record BackfillJobStatus(int FilesDone, int FilesTotal, long Events, long Lines, long Errors, long Bytes, int FailedFiles, string? LastFile)
{
    public long Skipped { get; init; }

    public double ElapsedSeconds { get; init; }

    public double EventsPerSecond { get; init; }

    public double BytesPerSecond { get; init; }

    /// <summary>Estimated seconds left (files left times the mean time per file so far); null before the first file is done.</summary>
    public double? EtaSeconds { get; init; }

    /// <summary>The files being imported now.</summary>
    public IReadOnlyList<string> Running { get; init; } = [];

    /// <summary>The chunk being imported (0 first; the orchestration continues as new after each).</summary>
    public int Generation { get; init; }
}
