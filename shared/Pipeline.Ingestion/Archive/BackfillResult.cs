namespace Pipeline.Ingestion.Archive;

/// <summary>The outcome of an import. <see cref="Events"/> counts events acknowledged by the broker.</summary>
public sealed record BackfillResult(
    int Files, long Lines, long Events, long Errors, long Bytes, TimeSpan Elapsed, double EventsPerSecond,
    IReadOnlyList<BackfillFileResult> PerFile, IReadOnlyList<string> ErrorSamples)
{
    /// <summary>Events the filter left out.</summary>
    public long Skipped => PerFile.Sum(f => f.Skipped);

    /// <summary>Files that could not be read at all (not found, HTTP error); their events are not in <see cref="Events"/>.</summary>
    public int FailedFiles => PerFile.Count(f => f.Failure is not null);
}
