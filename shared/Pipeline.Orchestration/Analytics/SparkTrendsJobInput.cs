using Pipeline.Analytics.Engines;

namespace Pipeline.Orchestration.Analytics;

public sealed record SparkTrendsJobInput(string ParentInstanceId, JobRunRequest Request, double PollSeconds, double TimeoutMinutes, int MaxAttempts, double FirstRetrySeconds);
