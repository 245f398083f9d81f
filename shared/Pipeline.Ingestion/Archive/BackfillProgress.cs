namespace Pipeline.Ingestion.Archive;

/// <summary>Progress of an import, reported after every published batch and at the end of every file.
/// <see cref="Events"/> counts the events kept (published), <see cref="Skipped"/> those the filter left out.</summary>
public sealed record BackfillProgress(
    int FilesDone, int FilesTotal, string? CurrentFile, long Lines, long Events, long Errors, long Bytes, double EventsPerSecond, TimeSpan Elapsed)
{
    public long Skipped { get; init; }
}
