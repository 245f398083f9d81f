using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Pipeline.ServiceDefaults;

namespace Pipeline.Api.Operations;

/// <summary>Blob storage (model artifacts, Parquet snapshots) on the AzureWebJobsStorage account answers.</summary>
public sealed class BlobStorageProbe(IConfiguration configuration) : IHealthProbe
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

/// <summary>Start-up work (schema, sample data, first models) that must finish before the app reports ready.</summary>
public sealed class WarmupStatus : IHealthProbe
{
    private volatile string _detail = "starting";
    private volatile bool _done;

    public string Name => "warmup";

    public void Report(string detail) => _detail = detail;

    public void Complete(string detail)
    {
        _detail = detail;
        _done = true;
    }

    public Task<ProbeResult> CheckAsync(CancellationToken ct) => Task.FromResult(new ProbeResult(_done, _detail));
}
