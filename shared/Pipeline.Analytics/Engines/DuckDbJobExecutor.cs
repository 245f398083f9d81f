using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Pipeline.Analytics.Jobs;
using Pipeline.Analytics.Planning;
using Pipeline.Analytics.Runs;
using Pipeline.Analytics.Snapshot;

namespace Pipeline.Analytics.Engines;

/// <summary>
/// Runs one job end to end on the <c>duckdb</c> engine: plan the periods, fetch the input partitions into the local
/// cache, run the SQL, upsert the rows of the recomputed periods.
/// </summary>
public sealed class DuckDbJobExecutor(
    ITrendsJobCatalog catalog,
    LocalSnapshotCache cache,
    DuckDbJobRunner runner,
    TrendsResultWriter writer,
    ILogger<DuckDbJobExecutor> logger)
{
    public async Task<JobOutcome> ExecuteAsync(JobRunRequest request, CancellationToken ct = default)
    {
        var started = Stopwatch.GetTimestamp();
        var job = catalog.Get(request.Job);
        var plan = JobPlan.For(job, request.TouchedDays.Select(Periods.Parse));
        var files = await cache.EnsureLocalAsync(plan.InputDays, ct);
        var repositories = await cache.EnsureRepositoriesLocalAsync(ct);
        var rows = await Task.Run(() => runner.Run(job, files, repositoriesFile: repositories), ct);
        var docs = TrendsResultWriter.ToDocuments(plan, rows, request.RunId, request.ComputedAt);
        await writer.ReplacePeriodsAsync(plan, docs, request.RunId, ct);
        var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        DuckDbJobExecutorLog.TrendsJobRan(logger, job.Name, docs.Count, plan.Periods.Count, files.Count, elapsed);
        return new JobOutcome(job.Name, DuckDbJobRunner.EngineName, JobRunStatus.Succeeded, docs.Count, plan.Periods.Count, files.Count, elapsed);
    }
}

/// <summary>The source-generated log messages of DuckDbJobExecutor (event ids: docs/architecture.md).</summary>
internal static partial class DuckDbJobExecutorLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Trends job {Job} on duckdb: {Rows} rows for {Periods} periods from {Files} partitions in {Ms} ms")]
    public static partial void TrendsJobRan(ILogger logger, string job, int rows, int periods, int files, long ms);
}
