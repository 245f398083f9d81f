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

/// <summary>Uploads the job's Spark SQL script and creates its SparkApplication (409: already submitted).</summary>
public sealed class SubmitSparkTrendsJobActivity(SparkJobService spark) : PipelineActivity<SubmitSparkTrendsJobInput, SparkSubmission>
{
    public override Task<SparkSubmission> ExecuteAsync(SubmitSparkTrendsJobInput input) => spark.SubmitAsync(input.ParentInstanceId, input.Request);
}
