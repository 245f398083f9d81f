using Pipeline.Analytics.Engines;
using Pipeline.Analytics.Snapshot;

namespace Pipeline.Orchestration.Analytics;

public sealed record SubmitSparkTrendsJobInput(string ParentInstanceId, JobRunRequest Request);
