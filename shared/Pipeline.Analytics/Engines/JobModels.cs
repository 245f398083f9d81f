namespace Pipeline.Analytics.Engines;

/// <summary>One job of one run: which job, for which touched days, stamped with the run's id and time.</summary>
public sealed record JobRunRequest(string RunId, string Job, IReadOnlyList<string> TouchedDays, string ComputedAt);

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
