namespace Pipeline.Analytics;

/// <summary>Settings of the trends aggregation (section <c>Analytics</c>; env vars <c>Analytics__Engine</c>, ...).</summary>
public sealed class AnalyticsOptions
{
    public const string SectionName = "Analytics";
    public const string DuckDbEngine = "duckdb";
    public const string SparkEngine = "spark-k8s";

    /// <summary>NCRONTAB (6 fields, with seconds) of the aggregation timer. Default hourly.</summary>
    public string Schedule { get; set; } = "0 0 * * * *";

    /// <summary>Whether the local host's scheduler starts runs (the Functions timer trigger ignores it).</summary>
    public bool ScheduleEnabled { get; set; } = true;

    /// <summary><c>duckdb</c> (in-process) or <c>spark-k8s</c> (SparkApplication on Kubernetes).</summary>
    public string Engine { get; set; } = DuckDbEngine;

    /// <summary>How many jobs run at once.</summary>
    public int MaxParallelJobs { get; set; } = 2;

    /// <summary>Blob container holding the Parquet snapshot, Spark scripts and Spark results.</summary>
    public string SnapshotContainer { get; set; } = "analytics-snapshots";

    /// <summary>Blob storage connection string; empty: the <c>AzureWebJobsStorage</c> setting is used.</summary>
    public string StorageConnectionString { get; set; } = "";

    /// <summary>Local folder for downloaded partitions; empty: a folder under the temp directory.</summary>
    public string CacheDirectory { get; set; } = "";

    /// <summary>Attempts per job before the run is failed (first try included).</summary>
    public int JobMaxAttempts { get; set; } = 3;

    /// <summary>Delay before the first retry; doubles each retry.</summary>
    public TimeSpan JobFirstRetryInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Seconds a trends response computed on demand is reused from memory; with
    /// <see cref="TrendsServeFromMemory"/> off, also how long a precomputed row is reused before the results table is read
    /// again (0 = every request reads its row from <c>trends_responses</c>).</summary>
    public int TrendsCacheSeconds { get; set; } = 10;

    /// <summary>Serve the current results generation's responses from memory: loaded in one read when the generation
    /// changes (checked in the background every 2 s), so a trends request costs no store round trip. Off: each request
    /// not answered by the <see cref="TrendsCacheSeconds"/> cache reads its row from <c>trends_responses</c>.</summary>
    public bool TrendsServeFromMemory { get; set; } = true;

    public SparkOptions Spark { get; set; } = new();

    public string ResolveCacheDirectory() => string.IsNullOrWhiteSpace(CacheDirectory)
        ? Path.Combine(Path.GetTempPath(), "pipeline-analytics-cache")
        : CacheDirectory;
}
