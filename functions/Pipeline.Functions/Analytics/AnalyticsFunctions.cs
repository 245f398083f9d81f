using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Pipeline.Analytics.Engines;
using Pipeline.Analytics.Runs;
using Pipeline.Analytics.Spark;
using Pipeline.Analytics.Trends;
using Pipeline.Api.Dashboard;
using Pipeline.Api.Management;
using Pipeline.Api.Trends;
using Pipeline.Functions.Operations;
using Pipeline.Orchestration.Analytics;
using Pipeline.Orchestration.Scheduling;

namespace Pipeline.Functions.Analytics;

/// <summary>Thin Functions triggers for the trends analytics: HTTP (trends, jobs, dashboard), the aggregation timer,
/// and the durable orchestrators/activities wrapping the shared classes.</summary>
public sealed class AnalyticsFunctions(
    TrendsQueryService trends,
    JobRunStore runs,
    AggregateTrendsStarter starter,
    PrepareTrendsSnapshotActivity prepare,
    RunDuckDbTrendsJobActivity runDuckDb,
    SubmitSparkTrendsJobActivity submitSpark,
    GetSparkTrendsJobStateActivity sparkState,
    CollectSparkTrendsJobActivity collectSpark,
    RecordTrendsRunActivity record,
    AggregateTrendsJob aggregateJob,
    TimeProvider clock)
{
    // ---- HTTP ----

    [Function("GetTrendDimensions")]
    public Task<IResult> GetTrendDimensions([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "trends/dimensions")] HttpRequest req) =>
        TrendsHandlers.GetDimensionsAsync(req, trends);

    [Function("GetTrend")]
    public Task<IResult> GetTrend([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "trends/{metric}")] HttpRequest req, string metric) =>
        TrendsHandlers.GetTrendAsync(req, metric, trends);

    [Function("StartAggregation")]
    public Task<IResult> StartAggregation(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "jobs/aggregate")] HttpRequest req,
        [DurableClient] DurableTaskClient client) =>
        TrendsHandlers.StartAggregationAsync(req, client, starter, DurablePayloads.For(client, req, ManagedOperation.Aggregation));

    [Function("GetAggregation")]
    public Task<IResult> GetAggregation(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "jobs/aggregate/{id}")] HttpRequest req,
        string id,
        [DurableClient] DurableTaskClient client) =>
        ManagementHandlers.StatusAsync(req, client, ManagedOperation.Aggregation, id);

    [Function("GetJobRuns")]
    public Task<IResult> GetJobRuns([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "jobs/runs")] HttpRequest req) =>
        TrendsHandlers.GetRunsAsync(req, runs);

    [Function("GetDashboard")]
    public IResult GetDashboard([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard")] HttpRequest req) =>
        DashboardHandlers.GetPage(req);

    [Function("GetJobsDashboard")]
    public IResult GetJobsDashboard([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard/jobs")] HttpRequest req) =>
        DashboardHandlers.GetPage(req, "jobs.html");

    [Function("GetDashboardAsset")]
    public IResult GetDashboardAsset([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard/assets/{file}")] HttpRequest req, string file) =>
        DashboardHandlers.GetAsset(req, file);

    // ---- Timer ----

    /// <summary>Runs <see cref="AggregateTrendsJob"/> on <c>Analytics:Schedule</c> (honouring <c>Analytics:ScheduleEnabled</c>);
    /// one instance per occurrence, the same id the worker's scheduler uses.</summary>
    [Function("AggregateTrendsTimer")]
    public Task AggregateTrendsTimer([TimerTrigger("%Analytics:Schedule%")] TimerInfo timer, [DurableClient] DurableTaskClient client) =>
        aggregateJob.RunFiredAsync(client, clock.GetUtcNow());

    // ---- Durable ----

    [Function(nameof(AggregateTrendsOrchestrator))]
    public Task<AggregateTrendsResult> AggregateTrendsOrchestrator([OrchestrationTrigger] TaskOrchestrationContext ctx) =>
        new AggregateTrendsOrchestrator().RunAsync(ctx, ctx.GetInput<AggregateTrendsInput>()!);

    [Function(nameof(RunSparkTrendsJobOrchestrator))]
    public Task<JobOutcome> RunSparkTrendsJobOrchestrator([OrchestrationTrigger] TaskOrchestrationContext ctx) =>
        new RunSparkTrendsJobOrchestrator().RunAsync(ctx, ctx.GetInput<SparkTrendsJobInput>()!);

    [Function(nameof(PrepareTrendsSnapshotActivity))]
    public Task<PreparedTrendsRun> PrepareTrendsSnapshotActivity([ActivityTrigger] PrepareTrendsSnapshotInput input) => prepare.ExecuteAsync(input);

    [Function(nameof(RunDuckDbTrendsJobActivity))]
    public Task<JobOutcome> RunDuckDbTrendsJobActivity([ActivityTrigger] JobRunRequest input) => runDuckDb.ExecuteAsync(input);

    [Function(nameof(SubmitSparkTrendsJobActivity))]
    public Task<SparkSubmission> SubmitSparkTrendsJobActivity([ActivityTrigger] SubmitSparkTrendsJobInput input) => submitSpark.ExecuteAsync(input);

    [Function(nameof(GetSparkTrendsJobStateActivity))]
    public Task<SparkApplicationState> GetSparkTrendsJobStateActivity([ActivityTrigger] string input) => sparkState.ExecuteAsync(input);

    [Function(nameof(CollectSparkTrendsJobActivity))]
    public Task<JobOutcome> CollectSparkTrendsJobActivity([ActivityTrigger] CollectSparkTrendsJobInput input) => collectSpark.ExecuteAsync(input);

    [Function(nameof(RecordTrendsRunActivity))]
    public Task<bool> RecordTrendsRunActivity([ActivityTrigger] TrendsRunRecord input) => record.ExecuteAsync(input);
}
