using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Pipeline.Analytics.Snapshot;

/// <summary>Snapshot storage in one blob container (created on first use).</summary>
internal sealed class BlobSnapshotStorage(BlobContainerClient container) : ISnapshotStorage
{
    private int _created;

    public BlobContainerClient Container => container;

    private async Task EnsureContainerAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref _created) == 1) return;
        await container.CreateIfNotExistsAsync(cancellationToken: ct);
        Volatile.Write(ref _created, 1);
    }

    public async Task<IReadOnlyDictionary<DateOnly, string>> ListEventPartitionsAsync(CancellationToken ct = default)
    {
        await EnsureContainerAsync(ct);
        var result = new Dictionary<DateOnly, string>();
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = SnapshotLayout.EventsPrefix }, ct))
        {
            if (SnapshotLayout.DayOf(blob.Name) is { } day)
            {
                result[day] = blob.Properties.ETag?.ToString() ?? "";
            }
        }
        return result;
    }

    public async Task UploadAsync(string name, Stream content, CancellationToken ct = default)
    {
        await EnsureContainerAsync(ct);
        await container.GetBlobClient(name).UploadAsync(content, overwrite: true, ct);
    }

    public async Task<string> DownloadAsync(string name, string localPath, CancellationToken ct = default)
    {
        await EnsureContainerAsync(ct);
        Directory.CreateDirectory(Path.GetDirectoryName(localPath)!);
        var temp = localPath + ".download";
        var response = await container.GetBlobClient(name).DownloadToAsync(temp, ct);
        File.Move(temp, localPath, overwrite: true);
        return response.Headers.ETag?.ToString() ?? "";
    }

    public async Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken ct = default)
    {
        await EnsureContainerAsync(ct);
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, ct))
        {
            names.Add(blob.Name);
        }
        return names;
    }

    public async Task DeleteAsync(string name, CancellationToken ct = default)
    {
        try
        {
            await container.GetBlobClient(name).DeleteIfExistsAsync(cancellationToken: ct);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
        }
    }
}
