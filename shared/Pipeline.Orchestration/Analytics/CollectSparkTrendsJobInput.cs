using Pipeline.Analytics.Engines;

namespace Pipeline.Orchestration.Analytics;

public sealed record CollectSparkTrendsJobInput(string ApplicationName, JobRunRequest Request, long ElapsedMs);
