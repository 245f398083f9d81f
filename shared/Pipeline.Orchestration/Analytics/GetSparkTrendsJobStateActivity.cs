using Pipeline.Analytics.Spark;

namespace Pipeline.Orchestration.Analytics;

/// <summary>Reads a SparkApplication's state.</summary>
public sealed class GetSparkTrendsJobStateActivity(SparkJobService spark) : PipelineActivity<string, SparkApplicationState>
{
    public override Task<SparkApplicationState> ExecuteAsync(string input) => spark.GetStateAsync(input);
}
