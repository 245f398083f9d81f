namespace Pipeline.Ingestion.Archive;

/// <summary>What one file contributed: lines read, events kept (published), bad lines, bytes, and the events the filter skipped.</summary>
public sealed record BackfillFileResult(string Source, long Lines, long Events, long Errors, long Bytes, string? Failure, long Skipped = 0);
