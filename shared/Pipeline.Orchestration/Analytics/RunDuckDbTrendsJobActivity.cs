using Pipeline.Analytics.Engines;

namespace Pipeline.Orchestration.Analytics;

/// <summary>Runs one job on the in-process DuckDB engine and upserts its rows.</summary>
public sealed class RunDuckDbTrendsJobActivity(DuckDbJobExecutor executor) : PipelineActivity<JobRunRequest, JobOutcome>
{
    public override Task<JobOutcome> ExecuteAsync(JobRunRequest input) => executor.ExecuteAsync(input);
}
