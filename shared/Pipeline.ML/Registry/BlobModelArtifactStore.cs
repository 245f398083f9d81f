using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Pipeline.ML.Registry;

internal sealed class BlobModelArtifactStore : IModelArtifactStore
{
    private readonly BlobContainerClient _container;
    private readonly SemaphoreSlim _createLock = new(1, 1);
    private volatile bool _created;

    public BlobModelArtifactStore(BlobServiceClient service, string containerName) => _container = service.GetBlobContainerClient(containerName);

    public BlobModelArtifactStore(string connectionString, string containerName) : this(new BlobServiceClient(connectionString), containerName) { }

    public string ContainerName => _container.Name;

    private async Task EnsureContainerAsync(CancellationToken ct)
    {
        if (_created) return;
        await _createLock.WaitAsync(ct);
        try
        {
            if (!_created)
            {
                await _container.CreateIfNotExistsAsync(PublicAccessType.None, cancellationToken: ct);
                _created = true;
            }
        }
        finally
        {
            _createLock.Release();
        }
    }

    public async Task UploadAsync(string path, BinaryData content, CancellationToken ct = default)
    {
        await EnsureContainerAsync(ct);
        await _container.GetBlobClient(path).UploadAsync(content, overwrite: true, ct);
    }

    public async Task<BinaryData> DownloadAsync(string path, CancellationToken ct = default)
    {
        await EnsureContainerAsync(ct);
        try
        {
            var result = await _container.GetBlobClient(path).DownloadContentAsync(ct);
            return result.Value.Content;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            throw new FileNotFoundException($"Artifact '{path}' not found in container '{_container.Name}'", path, ex);
        }
    }

    public async Task<bool> ExistsAsync(string path, CancellationToken ct = default)
    {
        await EnsureContainerAsync(ct);
        return (await _container.GetBlobClient(path).ExistsAsync(ct)).Value;
    }
}
