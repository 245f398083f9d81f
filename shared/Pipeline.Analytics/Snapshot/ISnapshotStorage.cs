namespace Pipeline.Analytics.Snapshot;

/// <summary>
/// Where snapshots and job artefacts live: blob storage (Azurite locally, Azure Blob in production), or a local
/// folder for the benchmark. Event partitions are <c>events/date=YYYY-MM-DD/part-0.parquet</c>.
/// </summary>
public interface ISnapshotStorage
{
    /// <summary>The event partitions present, by day, with a version tag (ETag) that changes when one is rewritten.</summary>
    Task<IReadOnlyDictionary<DateOnly, string>> ListEventPartitionsAsync(CancellationToken ct = default);

    Task UploadAsync(string name, Stream content, CancellationToken ct = default);

    /// <summary>Downloads a blob to a local file; returns its version tag.</summary>
    Task<string> DownloadAsync(string name, string localPath, CancellationToken ct = default);

    /// <summary>Names of blobs under a prefix.</summary>
    Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken ct = default);

    Task DeleteAsync(string name, CancellationToken ct = default);
}

public static class SnapshotLayout
{
    public const string EventsPrefix = "events/";

    /// <summary>The repositories table (repo_key, repo, language), rewritten by every aggregation run.</summary>
    public const string RepositoriesPrefix = "repositories/";

    public const string RepositoriesTable = RepositoriesPrefix + "part-0.parquet";

    public static string EventPartition(DateOnly day) =>
        $"events/date={day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}/part-0.parquet";

    /// <summary>The day of an event partition name, or null for anything else.</summary>
    public static DateOnly? DayOf(string name)
    {
        const string marker = "events/date=";
        if (!name.StartsWith(marker, StringComparison.Ordinal) || !name.EndsWith(".parquet", StringComparison.Ordinal)) return null;
        var rest = name[marker.Length..];
        var slash = rest.IndexOf('/');
        return slash == 10 && DateOnly.TryParseExact(rest[..10], "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.None, out var day)
            ? day
            : null;
    }

    public static string SparkScript(string applicationName) => $"spark/{applicationName}/job.sql";

    public static string SparkResultPrefix(string applicationName) => $"results/{applicationName}/";
}
