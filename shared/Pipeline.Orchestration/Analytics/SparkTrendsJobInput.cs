using Pipeline.Analytics.Engines;
using Pipeline.Analytics.Snapshot;

namespace Pipeline.Orchestration.Analytics;

public sealed record SparkTrendsJobInput(string ParentInstanceId, JobRunRequest Request, double PollSeconds, double TimeoutMinutes, int MaxAttempts, double FirstRetrySeconds);
