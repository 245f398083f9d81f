using Pipeline.Analytics.Engines;
using Pipeline.Analytics.Spark;

namespace Pipeline.Orchestration.Analytics;

/// <summary>Reads a finished SparkApplication's Parquet result and upserts the rows.</summary>
public sealed class CollectSparkTrendsJobActivity(SparkJobService spark) : PipelineActivity<CollectSparkTrendsJobInput, JobOutcome>
{
    public override Task<JobOutcome> ExecuteAsync(CollectSparkTrendsJobInput input) => spark.CollectAsync(input.ApplicationName, input.Request, input.ElapsedMs);
}
