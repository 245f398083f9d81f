using Microsoft.Extensions.Options;

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

/// <summary>Settings of the <c>spark-k8s</c> engine (section <c>Analytics:Spark</c>).</summary>
public sealed class SparkOptions
{
    /// <summary>Namespace the SparkApplications are created in.</summary>
    public string Namespace { get; set; } = "pipeline";

    /// <summary>Spark image with the Python bindings and hadoop-azure (abfss) on the class path: docker/Dockerfile.spark
    /// (the stock apache/spark image has no hadoop-azure).</summary>
    public string Image { get; set; } = "pipeline-spark:dev";

    public string SparkVersion { get; set; } = "3.5.3";

    /// <summary>Service account of the driver pod (needs rights to create executor pods).</summary>
    public string ServiceAccount { get; set; } = "spark-driver";

    /// <summary>Kubernetes API server URL; empty: in-cluster configuration, else the kubeconfig.</summary>
    public string ApiServer { get; set; } = "";

    /// <summary>Bearer token file for <see cref="ApiServer"/>; empty: no token (e.g. kubectl proxy).</summary>
    public string TokenFile { get; set; } = "";

    /// <summary>The snapshot container as Spark sees it, e.g. <c>abfss://analytics-snapshots@account.dfs.core.windows.net</c>.</summary>
    public string StorageUri { get; set; } = "";

    /// <summary>Kubernetes secret holding the storage account name and key (keys <c>AZURE_STORAGE_ACCOUNT_NAME</c>,
    /// <c>AZURE_STORAGE_ACCOUNT_KEY</c>, read by run_sql.py) for hadoop-azure.</summary>
    public string StorageSecretName { get; set; } = "pipeline-analytics-storage";

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long one job may take before the run gives up on it.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromHours(1);

    public int ExecutorInstances { get; set; } = 2;
    public string DriverMemory { get; set; } = "1g";
    public string ExecutorMemory { get; set; } = "2g";
}

public sealed class AnalyticsOptionsValidator : IValidateOptions<AnalyticsOptions>
{
    public ValidateOptionsResult Validate(string? name, AnalyticsOptions o)
    {
        var errors = new List<string>();
        if (o.Engine is not (AnalyticsOptions.DuckDbEngine or AnalyticsOptions.SparkEngine))
            errors.Add($"Analytics:Engine must be '{AnalyticsOptions.DuckDbEngine}' or '{AnalyticsOptions.SparkEngine}' (was '{o.Engine}')");
        if (string.IsNullOrWhiteSpace(o.Schedule) || !Pipeline.Domain.Scheduling.TimerSchedule.TryParse(o.Schedule, out _))
            errors.Add($"Analytics:Schedule is required and must be an NCRONTAB expression or a TimeSpan hh:mm:ss (was '{o.Schedule}')");
        if (o.MaxParallelJobs < 1) errors.Add("Analytics:MaxParallelJobs must be at least 1");
        if (o.JobMaxAttempts < 1) errors.Add("Analytics:JobMaxAttempts must be at least 1");
        if (string.IsNullOrWhiteSpace(o.SnapshotContainer)) errors.Add("Analytics:SnapshotContainer is required");
        if (o.Engine == AnalyticsOptions.SparkEngine)
        {
            if (string.IsNullOrWhiteSpace(o.Spark.Namespace)) errors.Add("Analytics:Spark:Namespace is required");
            if (string.IsNullOrWhiteSpace(o.Spark.Image)) errors.Add("Analytics:Spark:Image is required");
            if (string.IsNullOrWhiteSpace(o.Spark.ServiceAccount)) errors.Add("Analytics:Spark:ServiceAccount is required");
            if (string.IsNullOrWhiteSpace(o.Spark.StorageUri)) errors.Add("Analytics:Spark:StorageUri is required when Analytics:Engine is spark-k8s");
            if (o.Spark.PollInterval <= TimeSpan.Zero) errors.Add("Analytics:Spark:PollInterval must be positive");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
