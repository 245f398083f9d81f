namespace Pipeline.Analytics;

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
