using Pipeline.Analytics.Spark;

namespace Pipeline.Orchestration.Analytics;

/// <summary>Uploads the job's Spark SQL script and creates its SparkApplication (409: already submitted).</summary>
public sealed class SubmitSparkTrendsJobActivity(SparkJobService spark) : PipelineActivity<SubmitSparkTrendsJobInput, SparkSubmission>
{
    public override Task<SparkSubmission> ExecuteAsync(SubmitSparkTrendsJobInput input) => spark.SubmitAsync(input.ParentInstanceId, input.Request);
}
