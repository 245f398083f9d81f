using System.Globalization;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Pipeline.Ingestion.Webhooks;

/// <summary>
/// The inbox as blobs in one container (<c>GitHub:InboxContainer</c> on the <c>AzureWebJobsStorage</c> account; Azurite
/// locally): the blob content is the raw body, the headers are blob metadata (URL-escaped, metadata is ASCII only). Names
/// start with the receive time so a listing drains oldest first.
/// </summary>
internal sealed class BlobWebhookInbox(BlobContainerClient container) : IWebhookInbox
{
    private const string EventKey = "githubevent";
    private const string DeliveryKey = "githubdelivery";
    private const string ContentTypeKey = "contenttype";
    private const string SignatureKey = "signature256";
    private const string ReceivedKey = "receivedat";
    private const string TraceParentKey = "traceparent";

    private volatile bool _containerExists;

    public async Task<string> WriteAsync(RawDelivery d, CancellationToken ct)
    {
        var name = $"{d.ReceivedAt.UtcDateTime:yyyyMMdd'T'HHmmssfffffff}-{Guid.NewGuid():N}";
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [EventKey] = Uri.EscapeDataString(d.Event),
            [DeliveryKey] = Uri.EscapeDataString(d.DeliveryId),
            [ReceivedKey] = d.ReceivedAt.ToString("O", CultureInfo.InvariantCulture),
        };
        if (d.ContentType is not null) metadata[ContentTypeKey] = Uri.EscapeDataString(d.ContentType);
        if (d.Signature256 is not null) metadata[SignatureKey] = Uri.EscapeDataString(d.Signature256);
        if (d.TraceParent is not null) metadata[TraceParentKey] = Uri.EscapeDataString(d.TraceParent);
        var options = new BlobUploadOptions { Metadata = metadata, Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } };
        var blob = container.GetBlobClient(name);
        try
        {
            await EnsureContainerAsync(ct).ConfigureAwait(false);
            await blob.UploadAsync(BinaryData.FromBytes(d.Body), options, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            // Deleted under us: create it again once and retry.
            _containerExists = false;
            await EnsureContainerAsync(ct).ConfigureAwait(false);
            await blob.UploadAsync(BinaryData.FromBytes(d.Body), options, ct).ConfigureAwait(false);
        }
        return name;
    }

    public async IAsyncEnumerable<(string Name, DateTimeOffset Written)> ListAsync([EnumeratorCancellation] CancellationToken ct)
    {
        if (!await container.ExistsAsync(ct).ConfigureAwait(false)) yield break;
        await foreach (var item in container.GetBlobsAsync(cancellationToken: ct).ConfigureAwait(false))
        {
            yield return (item.Name, item.Properties.LastModified ?? DateTimeOffset.MinValue);
        }
    }

    public async Task<RawDelivery?> ReadAsync(string name, CancellationToken ct)
    {
        try
        {
            var result = await container.GetBlobClient(name).DownloadContentAsync(ct).ConfigureAwait(false);
            var m = result.Value.Details.Metadata;
            string? Get(string key) => m.TryGetValue(key, out var v) ? Uri.UnescapeDataString(v) : null;
            var received = DateTimeOffset.TryParse(Get(ReceivedKey), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var r)
                ? r : result.Value.Details.LastModified;
            return new RawDelivery(Get(EventKey) ?? "", Get(DeliveryKey) ?? "", Get(ContentTypeKey), Get(SignatureKey), received, result.Value.Content.ToMemory(), Get(TraceParentKey));
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return null;
        }
    }

    public async Task DeleteAsync(string name, CancellationToken ct) =>
        await container.GetBlobClient(name).DeleteIfExistsAsync(cancellationToken: ct).ConfigureAwait(false);

    private async Task EnsureContainerAsync(CancellationToken ct)
    {
        if (_containerExists) return;
        await container.CreateIfNotExistsAsync(cancellationToken: ct).ConfigureAwait(false);
        _containerExists = true;
    }
}
