using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Domain;
using Pipeline.Ingestion.Archive;
using Pipeline.Storage;

namespace Pipeline.Orchestration.Backfill;

/// <summary>Input of <see cref="ImportArchiveFileActivity"/>.</summary>
public sealed record ImportArchiveFileInput(string Source)
{
    public BackfillFilter? Filter { get; init; }
}
