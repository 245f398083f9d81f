using Pipeline.Analytics.Engines;
using Pipeline.Analytics.Snapshot;

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

public sealed record AggregateTrendsResult(
    string RunId, string Status, string Engine, int Jobs, int FailedJobs, long Rows, int TouchedDays, long DurationMs, string? Watermark);

public sealed record PrepareTrendsSnapshotInput(string RunId, string Engine, string Trigger, string StartedAt, string? From, string? To, bool Force);

/// <summary>The snapshot plan and the job names to run (read from the catalog inside the activity, so the orchestration
/// history records them).</summary>
public sealed record PreparedTrendsRun(SnapshotPlan Plan, IReadOnlyList<string> Jobs);

public sealed record SparkTrendsJobInput(string ParentInstanceId, JobRunRequest Request, double PollSeconds, double TimeoutMinutes, int MaxAttempts, double FirstRetrySeconds);

public sealed record SubmitSparkTrendsJobInput(string ParentInstanceId, JobRunRequest Request);

public sealed record CollectSparkTrendsJobInput(string ApplicationName, JobRunRequest Request, long ElapsedMs);

/// <summary>The run document as the orchestrator sees it at the start or the end of a run.</summary>
public sealed record TrendsRunRecord(
    string RunId,
    string Status,
    string Engine,
    string Trigger,
    string StartedAt,
    string? FinishedAt,
    SnapshotPlan? Plan,
    IReadOnlyList<JobOutcome> Jobs,
    string? Error);

/// <summary>The run failed after its jobs' retries; the run document says which jobs and why.</summary>
public sealed class TrendsRunFailedException(string message) : Exception(message);
