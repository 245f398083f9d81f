using Pipeline.Ingestion.Archive;

namespace Pipeline.Orchestration.Backfill;

/// <summary>Input of <see cref="ImportArchiveFileActivity"/>.</summary>
public sealed record ImportArchiveFileInput(string Source)
{
    public BackfillFilter? Filter { get; init; }
}
