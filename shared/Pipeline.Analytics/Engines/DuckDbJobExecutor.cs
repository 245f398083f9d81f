using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Pipeline.Analytics.Jobs;
using Pipeline.Analytics.Planning;
using Pipeline.Analytics.Runs;
using Pipeline.Analytics.Snapshot;

namespace Pipeline.Analytics.Engines;

/// <summary>
/// Runs one job end to end on the <c>duckdb</c> engine: plan the periods, fetch the input partitions into the local
/// cache, run the SQL (DuckDB renders the documents of the recomputed periods), upsert them in batches.
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
        // DuckDB renders the documents; they stream to the store in batches while the next batch is read.
        var documents = runner.RunDocuments(plan, files, request.RunId, request.ComputedAt, repositoriesFile: repositories);
        var written = await writer.ReplacePeriodsAsync(plan, documents, request.RunId, ct);
        var elapsed = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        DuckDbJobExecutorLog.TrendsJobRan(logger, job.Name, written, plan.Periods.Count, files.Count, elapsed);
        return new JobOutcome(job.Name, DuckDbJobRunner.EngineName, JobRunStatus.Succeeded, written, plan.Periods.Count, files.Count, elapsed);
    }
}

/// <summary>The source-generated log messages of DuckDbJobExecutor (event ids: docs/architecture.md).</summary>
internal static partial class DuckDbJobExecutorLog
{
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Trends job {Job} on duckdb: {Rows} rows for {Periods} periods from {Files} partitions in {Ms} ms")]
    public static partial void TrendsJobRan(ILogger logger, string job, int rows, int periods, int files, long ms);
}
