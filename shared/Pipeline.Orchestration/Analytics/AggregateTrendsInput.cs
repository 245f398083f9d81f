namespace Pipeline.Orchestration.Analytics;

/// <summary>Input of <see cref="AggregateTrendsOrchestrator"/>: the window, the engine and the retry/poll settings
/// (copied from <c>Analytics</c> options by <see cref="AggregateTrendsStarter"/>, so replays never read configuration).</summary>
public sealed record AggregateTrendsInput
{
    /// <summary>First day (yyyy-MM-dd) that may be recomputed; null: no bound.</summary>
    public string? From { get; init; }
    public string? To { get; init; }
    /// <summary>Recompute every day of the window, ignoring the watermark.</summary>
    public bool Force { get; init; }
    public string Engine { get; init; } = "duckdb";
    public string Trigger { get; init; } = "manual";
    public int MaxParallelJobs { get; init; } = 2;
    public int JobMaxAttempts { get; init; } = 3;
    public double FirstRetrySeconds { get; init; } = 10;
    public double SparkPollSeconds { get; init; } = 15;
    public double SparkTimeoutMinutes { get; init; } = 60;
}
