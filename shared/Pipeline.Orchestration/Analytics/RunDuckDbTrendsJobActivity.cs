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

/// <summary>Runs one job on the in-process DuckDB engine and upserts its rows.</summary>
public sealed class RunDuckDbTrendsJobActivity(DuckDbJobExecutor executor) : PipelineActivity<JobRunRequest, JobOutcome>
{
    public override Task<JobOutcome> ExecuteAsync(JobRunRequest input) => executor.ExecuteAsync(input);
}
