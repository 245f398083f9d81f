using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Analytics.Engines;
using Pipeline.Analytics.Jobs;
using Pipeline.Analytics.Planning;
using Pipeline.Analytics.Runs;
using Pipeline.Analytics.Snapshot;

namespace Pipeline.Analytics.Spark;

/// <summary>
/// The <c>spark-k8s</c> engine, split into the steps the orchestrator interleaves with durable timers:
/// submit (script to blob storage + SparkApplication), poll state, collect (read the result Parquet back and upsert).
/// </summary>
public sealed class SparkJobService(
    ITrendsJobCatalog catalog,
    ISnapshotStorage storage,
    SparkApplicationClient client,
    TrendsResultWriter writer,
    IOptions<AnalyticsOptions> options,
    ILogger<SparkJobService> logger)
{
    public const string EngineName = AnalyticsOptions.SparkEngine;

    private SparkOptions Spark => options.Value.Spark;

    public async Task<SparkSubmission> SubmitAsync(string instanceId, JobRunRequest request, CancellationToken ct = default)
    {
        var job = catalog.Get(request.Job);
        var name = SparkJobNaming.ApplicationName(instanceId, job.Name);
        var plan = JobPlan.For(job, request.TouchedDays.Select(Periods.Parse));
        var script = SparkScriptBuilder.Build(job, plan.InputDays, Spark.StorageUri, name);
        var scriptName = SnapshotLayout.SparkScript(name);
        await using (var content = new MemoryStream(Encoding.UTF8.GetBytes(script)))
        {
            await storage.UploadAsync(scriptName, content, ct);
        }
        var application = SparkApplicationFactory.Render(name, job.Name, request.RunId, Spark.StorageUri.TrimEnd('/') + "/" + scriptName, Spark);
        var created = await client.CreateAsync(Spark.Namespace, application, ct);
        SparkJobServiceLog.SparkApplicationSubmitted(logger, job.Name, name, created ? "created" : "already submitted (409)");
        return new SparkSubmission(name, created);
    }

    public Task<SparkApplicationState> GetStateAsync(string applicationName, CancellationToken ct = default) =>
        client.GetStateAsync(Spark.Namespace, applicationName, ct);

    /// <summary>The result files among the names under an application's result prefix: Spark's part-*.parquet files
    /// (run_sql.py writes with the DataFrame writer), not its _SUCCESS marker or .crc side files.</summary>
    public static IReadOnlyList<string> ResultParts(IEnumerable<string> names) =>
        names.Where(n => n.EndsWith(".parquet", StringComparison.Ordinal)).ToList();

    /// <summary>Reads the Parquet the application wrote and upserts the rows of the recomputed periods.</summary>
    public async Task<JobOutcome> CollectAsync(string applicationName, JobRunRequest request, long elapsedMs, CancellationToken ct = default)
    {
        var started = Stopwatch.GetTimestamp();
        var job = catalog.Get(request.Job);
        var plan = JobPlan.For(job, request.TouchedDays.Select(Periods.Parse));
        var prefix = SnapshotLayout.SparkResultPrefix(applicationName);
        var parts = ResultParts(await storage.ListAsync(prefix, ct));
        var local = Path.Combine(options.Value.ResolveCacheDirectory(), "spark-results", applicationName);
        var files = new List<string>();
        foreach (var part in parts)
        {
            var path = Path.Combine(local, Path.GetFileName(part));
            await storage.DownloadAsync(part, path, ct);
            files.Add(path);
        }
        try
        {
            var documents = DuckDbJobRunner.ReadParquetDocuments(plan, files, request.RunId, request.ComputedAt);
            var written = await writer.ReplacePeriodsAsync(plan, documents, request.RunId, ct);
            var total = elapsedMs + (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            return new JobOutcome(job.Name, EngineName, JobRunStatus.Succeeded, written, plan.Periods.Count, plan.InputDays.Count, total);
        }
        finally
        {
            if (Directory.Exists(local)) Directory.Delete(local, recursive: true);
        }
    }
}

/// <summary>The source-generated log messages of SparkJobService (event ids: docs/architecture.md).</summary>
internal static partial class SparkJobServiceLog
{
    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Spark job {Job}: SparkApplication {Name} {Outcome}")]
    public static partial void SparkApplicationSubmitted(ILogger logger, string job, string name, string outcome);
}
