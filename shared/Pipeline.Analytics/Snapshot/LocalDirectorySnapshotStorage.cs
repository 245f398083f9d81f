namespace Pipeline.Analytics.Snapshot;

/// <summary>Snapshot storage in a local folder (the benchmark, and hosts without blob storage). Version tag: write time + length.</summary>
internal sealed class LocalDirectorySnapshotStorage(string root) : ISnapshotStorage
{
    public string Root => root;

    private string PathOf(string name) => Path.Combine(root, name.Replace('/', Path.DirectorySeparatorChar));

    private static string Tag(string path)
    {
        var info = new FileInfo(path);
        return $"{info.LastWriteTimeUtc.Ticks:x}-{info.Length:x}";
    }

    public Task<IReadOnlyDictionary<DateOnly, string>> ListEventPartitionsAsync(CancellationToken ct = default)
    {
        var result = new Dictionary<DateOnly, string>();
        var dir = PathOf(SnapshotLayout.EventsPrefix);
        if (Directory.Exists(dir))
        {
            foreach (var file in Directory.EnumerateFiles(dir, "*.parquet", SearchOption.AllDirectories))
            {
                var name = Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/');
                if (SnapshotLayout.DayOf(name) is { } day) result[day] = Tag(file);
            }
        }
        return Task.FromResult<IReadOnlyDictionary<DateOnly, string>>(result);
    }

    public async Task UploadAsync(string name, Stream content, CancellationToken ct = default)
    {
        var path = PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".tmp";
        await using (var file = File.Create(temp))
        {
            await content.CopyToAsync(file, ct);
        }
        File.Move(temp, path, overwrite: true);
    }

    public Task<string> DownloadAsync(string name, string localPath, CancellationToken ct = default)
    {
        var path = PathOf(name);
        if (!File.Exists(path)) throw new FileNotFoundException($"No snapshot blob {name}", path);
        if (!string.Equals(Path.GetFullPath(path), Path.GetFullPath(localPath), StringComparison.Ordinal))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(localPath)!);
            File.Copy(path, localPath, overwrite: true);
        }
        return Task.FromResult(Tag(path));
    }

    public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken ct = default)
    {
        if (!Directory.Exists(root)) return Task.FromResult<IReadOnlyList<string>>([]);
        IReadOnlyList<string> names = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
        return Task.FromResult(names);
    }

    public Task DeleteAsync(string name, CancellationToken ct = default)
    {
        var path = PathOf(name);
        if (File.Exists(path)) File.Delete(path);
        return Task.CompletedTask;
    }
}
