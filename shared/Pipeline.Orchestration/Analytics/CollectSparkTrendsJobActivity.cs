using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Pipeline.Analytics.Engines;
using Pipeline.Analytics.Jobs;
using Pipeline.Analytics.Planning;
using Pipeline.Analytics.Runs;
using Pipeline.Analytics.Snapshot;
using Pipeline.Analytics.Spark;
using Pipeline.Analytics.Trends;

namespace Pipeline.Orchestration.Analytics;

/// <summary>Reads a finished SparkApplication's Parquet result and upserts the rows.</summary>
public sealed class CollectSparkTrendsJobActivity(SparkJobService spark) : PipelineActivity<CollectSparkTrendsJobInput, JobOutcome>
{
    public override Task<JobOutcome> ExecuteAsync(CollectSparkTrendsJobInput input) => spark.CollectAsync(input.ApplicationName, input.Request, input.ElapsedMs);
}
