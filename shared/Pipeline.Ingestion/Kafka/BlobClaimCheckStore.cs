using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;

namespace Pipeline.Ingestion.Kafka;

/// <summary>Claim checks as blobs named by the SHA-256 of the event id (container <c>Kafka:ClaimCheckContainer</c>).</summary>
internal sealed class BlobClaimCheckStore(BlobContainerClient container) : IClaimCheckStore
{
    private volatile bool _containerExists;

    /// <summary>The store on <c>Kafka:StorageConnectionString</c> or <c>AzureWebJobsStorage</c>; null when neither is set.</summary>
    public static BlobClaimCheckStore? TryCreate(KafkaOptions options, IConfiguration? configuration)
    {
        var connection = string.IsNullOrWhiteSpace(options.StorageConnectionString) ? configuration?["AzureWebJobsStorage"] : options.StorageConnectionString;
        return string.IsNullOrWhiteSpace(connection) ? null : new BlobClaimCheckStore(new BlobContainerClient(connection, options.ClaimCheckContainer));
    }

    public async Task<string> PutAsync(string eventId, ReadOnlyMemory<byte> value, CancellationToken ct)
    {
        var name = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(eventId))) + ".json";
        if (!_containerExists)
        {
            await container.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
            _containerExists = true;
        }
        await container.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(value), overwrite: true, ct).ConfigureAwait(false);
        return name;
    }

    public async Task<byte[]?> GetAsync(string reference, CancellationToken ct)
    {
        try
        {
            var result = await container.GetBlobClient(reference).DownloadContentAsync(ct).ConfigureAwait(false);
            return result.Value.Content.ToArray();
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }
}
