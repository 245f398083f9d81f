using Pipeline.Domain;

namespace Pipeline.Ingestion.Webhooks;

/// <summary>
/// Group commit of accepted deliveries into the inbox: deliveries that arrive while a batch is open (at most
/// <see cref="WebhookOptions.InboxBatchLinger"/> after its first one, or longer while all
/// <see cref="WebhookOptions.InboxMaxConcurrentWrites"/> puts are in flight) are written as ONE blob, bounded by
/// <see cref="WebhookOptions.InboxBatchMaxDeliveries"/> and <see cref="WebhookOptions.InboxBatchMaxBytes"/>. Each caller's
/// task completes only after that blob's put is confirmed, and fails with the put's exception otherwise, so nothing is
/// acknowledged that is not durable. The first delivery of a batch leads it (no background loop): it waits for the
/// linger or a full batch, then for a write slot, then seals and writes. Storage sees one put per batch instead of one
/// per delivery; Azurite on a 2-core machine absorbs only a few hundred puts per second.
/// </summary>
internal sealed class InboxGroupCommit
{
    private readonly IWebhookInbox _inbox;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;
    private readonly Action<string, IReadOnlyList<Entry>> _committed;
    private readonly SemaphoreSlim _writeSlots;
    private readonly Lock _gate = new();
    private Batch? _open;

    /// <summary>One delivery waiting for its batch's put; <see cref="Written"/> gets the blob name.</summary>
    internal sealed record Entry(RawDelivery Delivery, GitHubEvent Event)
    {
        public TaskCompletionSource<string> Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Batch
    {
        public List<Entry> Entries { get; } = [];
        public long Bytes { get; set; }
        public TaskCompletionSource Full { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <param name="committed">Called once per confirmed blob, before its callers are released (the relay queues it).</param>
    public InboxGroupCommit(IWebhookInbox inbox, WebhookOptions options, TimeProvider time, Action<string, IReadOnlyList<Entry>> committed)
    {
        _inbox = inbox;
        _options = options;
        _time = time;
        _committed = committed;
        _writeSlots = new SemaphoreSlim(Math.Max(1, options.InboxMaxConcurrentWrites));
    }

    /// <summary>Adds the delivery to the open batch (opening one when none is) and returns the entry whose task completes
    /// with the blob name once the batch is durable. A caller that gives up cancels its entry's task: a batch not yet
    /// sealed then leaves it out, so it is neither stored nor acknowledged.</summary>
    public Entry Add(RawDelivery delivery, GitHubEvent evt)
    {
        var entry = new Entry(delivery, evt);
        var size = delivery.Body.Length + InboxBatchFormat.OverheadPerDelivery;
        Batch? lead = null;
        lock (_gate)
        {
            if (_open is { } current && current.Entries.Count > 0 && current.Bytes + size > _options.InboxBatchMaxBytes) SealLocked(current);
            if (_open is null)
            {
                _open = new Batch();
                lead = _open;
            }
            _open.Entries.Add(entry);
            _open.Bytes += size;
            if (_open.Entries.Count >= _options.InboxBatchMaxDeliveries || _open.Bytes >= _options.InboxBatchMaxBytes) SealLocked(_open);
        }
        if (lead is not null) _ = LeadAsync(lead);
        return entry;
    }

    private void SealLocked(Batch batch)
    {
        if (ReferenceEquals(_open, batch)) _open = null;
        batch.Full.TrySetResult();
    }

    private async Task LeadAsync(Batch batch)
    {
        if (_options.InboxBatchLinger > TimeSpan.Zero)
        {
            await Task.WhenAny(batch.Full.Task, Task.Delay(_options.InboxBatchLinger, _time)).ConfigureAwait(false);
        }
        // While every slot is busy the batch stays open and keeps growing (up to its bounds): that is the group commit.
        await _writeSlots.WaitAsync().ConfigureAwait(false);
        try
        {
            List<Entry> entries;
            lock (_gate)
            {
                SealLocked(batch);
                entries = batch.Entries.Where(e => !e.Written.Task.IsCompleted).ToList();
            }
            if (entries.Count == 0) return;
            var started = _time.GetTimestamp();
            try
            {
                using var timeout = new CancellationTokenSource(_options.DurableWriteTimeout, _time);
                var name = await _inbox.WriteAsync(entries.Select(e => e.Delivery).ToList(), timeout.Token).ConfigureAwait(false);
                WebhookMetrics.InboxPutDuration.Record(_time.GetElapsedTime(started).TotalMilliseconds);
                WebhookMetrics.InboxBatches.Record(entries.Count);
                _committed(name, entries);
                foreach (var e in entries) e.Written.TrySetResult(name);
            }
            catch (Exception ex)
            {
                WebhookMetrics.InboxPutDuration.Record(_time.GetElapsedTime(started).TotalMilliseconds);
                foreach (var e in entries) e.Written.TrySetException(ex);
            }
        }
        finally
        {
            _writeSlots.Release();
        }
    }
}
