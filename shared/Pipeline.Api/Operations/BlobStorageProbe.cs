using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Pipeline.ServiceDefaults;

namespace Pipeline.Api.Operations;

/// <summary>Blob storage (model artifacts, Parquet snapshots) on the AzureWebJobsStorage account answers.</summary>
internal sealed class BlobStorageProbe(IConfiguration configuration) : IHealthProbe
{
    public string Name => "blobs";

    public async Task<ProbeResult> CheckAsync(CancellationToken ct)
    {
        var connection = configuration["AzureWebJobsStorage"];
        if (string.IsNullOrWhiteSpace(connection))
        {
            return ProbeResult.Down("AzureWebJobsStorage is not set");
        }
        var client = new BlobServiceClient(connection);
        await client.GetPropertiesAsync(ct);
        return ProbeResult.Ok(client.Uri.GetLeftPart(UriPartial.Authority));
    }
}
