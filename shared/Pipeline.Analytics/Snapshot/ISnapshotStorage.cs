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
