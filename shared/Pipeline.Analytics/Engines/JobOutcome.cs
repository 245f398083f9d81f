namespace Pipeline.Analytics.Engines;

/// <summary>What a job did: rows written, periods recomputed, input partitions read, time taken, engine.</summary>
public sealed record JobOutcome(
    string Job,
    string Engine,
    string Status,
    int Rows,
    int Periods,
    int InputPartitions,
    long DurationMs,
    string? Error = null);
