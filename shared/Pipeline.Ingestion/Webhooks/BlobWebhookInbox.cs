using System.Globalization;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Pipeline.Ingestion.Webhooks;

/// <summary>
/// The inbox as blobs in one container (<c>GitHub:InboxContainer</c> on the <c>AzureWebJobsStorage</c> account; Azurite
/// locally). Since group commit a blob holds a batch of deliveries framed by <see cref="InboxBatchFormat"/> (metadata
/// <c>format=batch-v1</c>, <c>count</c>; each body Brotli-compressed unless <c>GitHub:InboxCompression=false</c>); a blob written before that holds one raw body with its headers as blob metadata
/// (URL-escaped, metadata is ASCII only) and is still read. Names start with the receive time of the batch's first
/// delivery so a listing drains oldest first; the put is conditional (<c>If-None-Match: *</c>) so it never overwrites.
/// </summary>
internal sealed class BlobWebhookInbox(BlobContainerClient container, bool compress = true) : IWebhookInbox
{
    private const string EventKey = "githubevent";
    private const string DeliveryKey = "githubdelivery";
    private const string ContentTypeKey = "contenttype";
    private const string SignatureKey = "signature256";
    private const string ReceivedKey = "receivedat";
    private const string TraceParentKey = "traceparent";
    private const string FormatKey = "format";
    private const string CountKey = "count";

    private volatile bool _containerExists;

    public async Task<string> WriteAsync(IReadOnlyList<RawDelivery> deliveries, CancellationToken ct)
    {
        if (deliveries.Count == 0) throw new ArgumentException("a batch holds at least one delivery", nameof(deliveries));
        var name = $"{deliveries[0].ReceivedAt.UtcDateTime:yyyyMMdd'T'HHmmssfffffff}-{Guid.NewGuid():N}";
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [FormatKey] = InboxBatchFormat.FormatName,
            [CountKey] = deliveries.Count.ToString(CultureInfo.InvariantCulture),
        };
        var content = BinaryData.FromBytes(InboxBatchFormat.Encode(deliveries, compress));
        var options = new BlobUploadOptions { Metadata = metadata, Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } };
        var blob = container.GetBlobClient(name);
        try
        {
            await EnsureContainerAsync(ct).ConfigureAwait(false);
            await blob.UploadAsync(content, options, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            // Deleted under us: create it again once and retry.
            _containerExists = false;
            await EnsureContainerAsync(ct).ConfigureAwait(false);
            await blob.UploadAsync(content, options, ct).ConfigureAwait(false);
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

    public async Task<IReadOnlyList<RawDelivery>?> ReadAsync(string name, CancellationToken ct)
    {
        try
        {
            var result = await container.GetBlobClient(name).DownloadContentAsync(ct).ConfigureAwait(false);
            var m = result.Value.Details.Metadata;
            if (m.TryGetValue(FormatKey, out var format))
            {
                if (format != InboxBatchFormat.FormatName) throw new FormatException($"inbox blob format '{format}' is not supported");
                return InboxBatchFormat.Decode(result.Value.Content.ToMemory());
            }
            // Written before group commit: one delivery, headers in metadata.
            string? Get(string key) => m.TryGetValue(key, out var v) ? Uri.UnescapeDataString(v) : null;
            var received = DateTimeOffset.TryParse(Get(ReceivedKey), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var r)
                ? r : result.Value.Details.LastModified;
            return [new RawDelivery(Get(EventKey) ?? "", Get(DeliveryKey) ?? "", Get(ContentTypeKey), Get(SignatureKey), received, result.Value.Content.ToMemory(), Get(TraceParentKey))];
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
