using Pipeline.Analytics.Engines;

namespace Pipeline.Orchestration.Analytics;

public sealed record SubmitSparkTrendsJobInput(string ParentInstanceId, JobRunRequest Request);
