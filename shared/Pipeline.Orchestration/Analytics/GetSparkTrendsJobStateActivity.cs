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

/// <summary>Reads a SparkApplication's state.</summary>
public sealed class GetSparkTrendsJobStateActivity(SparkJobService spark) : PipelineActivity<string, SparkApplicationState>
{
    public override Task<SparkApplicationState> ExecuteAsync(string input) => spark.GetStateAsync(input);
}
