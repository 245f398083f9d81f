namespace Pipeline.Orchestration.Analytics;

public sealed record AggregateTrendsResult(
    string RunId, string Status, string Engine, int Jobs, int FailedJobs, long Rows, int TouchedDays, long DurationMs, string? Watermark);
