namespace Pipeline.Analytics.Snapshot;

/// <summary>
/// Local copies of event partitions for the in-process engine. A partition is downloaded again only when its
/// version tag (ETag) changed, i.e. when a later snapshot rewrote that day.
/// </summary>
public sealed class LocalSnapshotCache(ISnapshotStorage storage, string directory)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    // Tags of the local copies, remembered so a check is a dictionary lookup, not a file read per partition.
    private readonly Dictionary<string, string> _tags = new(StringComparer.Ordinal);

    public string Directory => directory;

    /// <summary>Local paths of the partitions for <paramref name="days"/> that exist in the snapshot, in day order.</summary>
    public async Task<IReadOnlyList<string>> EnsureLocalAsync(IEnumerable<DateOnly> days, CancellationToken ct = default)
    {
        var partitions = await storage.ListEventPartitionsAsync(ct);
        var paths = new List<string>();
        await _gate.WaitAsync(ct);
        try
        {
            foreach (var day in days.Distinct().Order())
            {
                if (!partitions.TryGetValue(day, out var tag)) continue;
                var name = SnapshotLayout.EventPartition(day);
                var local = Path.Combine(directory, name.Replace('/', Path.DirectorySeparatorChar));
                var tagFile = local + ".etag";
                if (!_tags.TryGetValue(local, out var known))
                {
                    known = File.Exists(local) && File.Exists(tagFile) ? await File.ReadAllTextAsync(tagFile, ct) : null;
                }
                if (known != tag || !File.Exists(local))
                {
                    // Record the listing's tag: it is what the next listing is compared with.
                    await storage.DownloadAsync(name, local, ct);
                    await File.WriteAllTextAsync(tagFile, tag, ct);
                }
                _tags[local] = tag;
                paths.Add(local);
            }
        }
        finally
        {
            _gate.Release();
        }
        return paths;
    }

    /// <summary>A local copy of the repositories table (downloaded afresh: it is small and every run rewrites it), or
    /// null when the snapshot has none yet.</summary>
    public async Task<string?> EnsureRepositoriesLocalAsync(CancellationToken ct = default)
    {
        var names = await storage.ListAsync(SnapshotLayout.RepositoriesPrefix, ct);
        if (!names.Contains(SnapshotLayout.RepositoriesTable)) return null;
        var local = Path.Combine(directory, SnapshotLayout.RepositoriesTable.Replace('/', Path.DirectorySeparatorChar));
        await _gate.WaitAsync(ct);
        try
        {
            await storage.DownloadAsync(SnapshotLayout.RepositoriesTable, local, ct);
        }
        finally
        {
            _gate.Release();
        }
        return local;
    }
}
