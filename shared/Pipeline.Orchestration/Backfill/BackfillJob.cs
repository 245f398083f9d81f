using Pipeline.Ingestion.Archive;
using Pipeline.Orchestration.Analytics;

namespace Pipeline.Orchestration.Backfill;

/// <summary>Input of <see cref="BackfillOrchestrator"/>: the explicit <see cref="Sources"/> (paths or URLs) or an hour
/// <see cref="Range"/>, the <see cref="Filter"/>, how a failing file is retried (attempts, first back-off doubling up to two
/// minutes), and the position of this generation (<see cref="Next"/>, <see cref="Carried"/>) when it continued as new.</summary>
public sealed record BackfillJob(IReadOnlyList<string>? Sources = null, int MaxAttempts = 3, double FirstRetrySeconds = 5)
{
    public BackfillRange? Range { get; init; }

    public BackfillFilter? Filter { get; init; }

    /// <summary>Files imported at the same time (<c>Backfill:MaxParallelFiles</c>).</summary>
    public int MaxParallelFiles { get; init; } = 2;

    /// <summary>Files per generation before the orchestration continues as new (<c>Backfill:ChunkFiles</c>).</summary>
    public int ChunkFiles { get; init; } = 24;

    /// <summary>Index of the first file this generation imports.</summary>
    public int Next { get; init; }

    /// <summary>How many times the orchestration continued as new so far.</summary>
    public int Generation { get; init; }

    /// <summary>What earlier generations imported.</summary>
    public BackfillTotals? Carried { get; init; }

    /// <summary>When the first generation started (for the rate and ETA).</summary>
    public DateTime? StartedAt { get; init; }

    /// <summary>When set, the trend aggregation runs after the import (as a sub-orchestration), so the new history shows in the trends.</summary>
    public AggregateTrendsInput? AggregateAfter { get; init; }

    /// <summary>How long to let the consumer land the published events before aggregating.</summary>
    public double AggregateDelaySeconds { get; init; } = 30;

    public int Total => Sources?.Count ?? Range?.Hours ?? 0;

    public string SourceAt(int index) => Sources is not null ? Sources[index] : Range!.SourceAt(index);
}
