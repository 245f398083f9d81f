using Pipeline.Analytics.Engines;
using Pipeline.Analytics.Snapshot;

namespace Pipeline.Orchestration.Analytics;

public sealed record CollectSparkTrendsJobInput(string ApplicationName, JobRunRequest Request, long ElapsedMs);
