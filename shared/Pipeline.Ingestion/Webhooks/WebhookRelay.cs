using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Domain;
using Pipeline.Ingestion.Kafka;

namespace Pipeline.Ingestion.Webhooks;

/// <summary>
/// Durable acceptance of webhooks. <see cref="AcceptAsync"/> hands the raw delivery to the inbox's group commit
/// (<see cref="InboxGroupCommit"/>: concurrent deliveries become one blob) and returns once that blob's put is confirmed,
/// within <see cref="WebhookOptions.DurableWriteTimeout"/>; only then does the endpoint answer 202. The relay (this hosted
/// service) publishes every delivery of each inbox blob to the topic and deletes the blob once all of its delivery
/// reports have arrived, retrying with capped back-off for as long as the broker is away. Deletes run on
/// <see cref="WebhookOptions.InboxDeleteConcurrency"/> workers of their own, never on the acknowledgement path. On start
/// it drains what an earlier process left (batch blobs and the one-delivery blobs written before group commit), and every
/// <see cref="WebhookOptions.RelaySweepInterval"/> it picks up blobs older than that interval which are not queued in
/// memory (queue overflow, a failed delete, another instance that died). A delivery can thus be published twice (a crash
/// between report and delete, or a redelivery in another batch); the store dedupes by event id
/// (<c>delivery:&lt;X-GitHub-Delivery&gt;</c>), so it is stored once.
/// </summary>
internal sealed partial class WebhookRelay : BackgroundService
{
    /// <summary>Most deliveries handed to the publisher in one call.</summary>
    private const int BatchSize = 500;
    private readonly IWebhookInbox? _inbox;
    private readonly InboxGroupCommit? _commit;
    private readonly IEventPublisher _publisher;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookRelay> _logger;
    private readonly Channel<Item> _queue = Channel.CreateBounded<Item>(new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly Channel<string> _deletes = Channel.CreateUnbounded<string>();
    private readonly ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _unreadable = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>One delivery of an inbox blob, normalised.</summary>
    internal sealed record Delivery(GitHubEvent Event, string? TraceParent);

    /// <summary>An inbox blob and its deliveries; <paramref name="Keep"/>: some delivery could not be read, so the blob
    /// stays for a person to look at after the others are published.</summary>
    internal sealed record Item(string Name, IReadOnlyList<Delivery> Deliveries, bool Keep = false);

    public WebhookRelay(IWebhookInbox? inbox, IEventPublisher publisher, IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookRelay> logger)
    {
        _inbox = inbox;
        _publisher = publisher;
        _options = options.Value;
        _time = time;
        _logger = logger;
        if (inbox is not null) _commit = new InboxGroupCommit(inbox, _options, time, OnCommitted);
    }

    /// <summary>True when deliveries go through the inbox (a storage account is configured and durable acceptance is on).</summary>
    public bool Enabled => _inbox is not null;

    /// <summary>Completes once the start-up drain has run (tests wait for it).</summary>
    public Task Drained => _drained.Task;

    /// <summary>Inbox blobs written or read by this process and not yet relayed and deleted.</summary>
    public int Pending => _inFlight.Count;

    /// <summary>Writes the delivery durably (in the open group-commit batch) within the configured time; false (recorded
    /// as metric and log) when storage did not confirm its batch.</summary>
    public async Task<bool> AcceptAsync(RawDelivery delivery, GitHubEvent evt, CancellationToken ct)
    {
        if (_commit is null) throw new InvalidOperationException("Durable acceptance is off (GitHub:DurableAcceptance=false)");
        var entry = _commit.Add(delivery, evt);
        try
        {
            await entry.Written.Task.WaitAsync(_options.DurableWriteTimeout, _time, ct).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Leaves the batch if it is not sealed yet; a put already under way may still store it (answered 503 all the
            // same: GitHub redelivers and the store keeps one copy).
            entry.Written.TrySetCanceled();
            WebhookMetrics.DurableWriteFailed.Add(1);
            var reason = ex is TimeoutException or OperationCanceledException ? $"no confirmation within {_options.DurableWriteTimeout}" : ex.Message;
            LogDurableWriteFailed(delivery.DeliveryId, delivery.Event, reason);
            return false;
        }
        catch (OperationCanceledException)
        {
            entry.Written.TrySetCanceled();
            throw;
        }
    }

    /// <summary>A batch blob is confirmed: queue it for the relay (a full queue, i.e. a long broker outage, leaves it to the sweep).</summary>
    private void OnCommitted(string name, IReadOnlyList<InboxGroupCommit.Entry> entries)
    {
        WebhookMetrics.Accepted.Add(entries.Count);
        _inFlight[name] = 0;
        var deliveries = entries.Select(e => new Delivery(e.Event, e.Delivery.TraceParent)).ToList();
        if (!_queue.Writer.TryWrite(new Item(name, deliveries))) _inFlight.TryRemove(name, out _);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_inbox is null)
        {
            _drained.TrySetResult();
            return;
        }
        await Task.Yield();
        // Deletes have workers of their own so a slow delete never holds up publishing (nor the puts of the ack path).
        var deleters = Enumerable.Range(0, Math.Max(1, _options.InboxDeleteConcurrency)).Select(_ => DeleteWorkerAsync(stoppingToken)).ToList();
        try
        {
            await DrainAsync(TimeSpan.Zero, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            _drained.TrySetResult();
        }
        var nextSweep = _time.GetUtcNow() + _options.RelaySweepInterval;
        var batch = new List<Item>();
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = nextSweep - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                using var untilSweep = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                untilSweep.CancelAfter(wait);
                try
                {
                    await _queue.Reader.WaitToReadAsync(untilSweep.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // Time to sweep.
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            var deliveries = 0;
            while (deliveries < BatchSize && _queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
                deliveries += item.Deliveries.Count;
            }
            if (batch.Count > 0)
            {
                await PublishAsync(batch, stoppingToken).ConfigureAwait(false);
                batch.Clear();
            }
            if (_time.GetUtcNow() >= nextSweep)
            {
                await DrainAsync(_options.RelaySweepInterval, stoppingToken).ConfigureAwait(false);
                nextSweep = _time.GetUtcNow() + _options.RelaySweepInterval;
            }
        }
        _deletes.Writer.TryComplete();
        await Task.WhenAll(deleters).ConfigureAwait(false);
    }

    /// <summary>Publishes every stored blob older than <paramref name="minAge"/> that is not queued in memory.</summary>
    private async Task DrainAsync(TimeSpan minAge, CancellationToken ct)
    {
        var inbox = _inbox!;
        var drained = 0;
        try
        {
            var cutoff = _time.GetUtcNow() - minAge;
            var batch = new List<Item>();
            var deliveries = 0;
            await foreach (var (name, written) in inbox.ListAsync(ct).ConfigureAwait(false))
            {
                if (written > cutoff || _inFlight.ContainsKey(name) || _unreadable.ContainsKey(name)) continue;
                IReadOnlyList<RawDelivery>? stored;
                try
                {
                    stored = await inbox.ReadAsync(name, ct).ConfigureAwait(false);
                }
                catch (FormatException ex)
                {
                    _unreadable[name] = 0;
                    LogUnreadable(name, ex.Message);
                    continue;
                }
                if (stored is null) continue;
                var item = ToItem(name, stored);
                if (item.Deliveries.Count == 0)
                {
                    _unreadable[name] = 0;
                    continue;
                }
                _inFlight[name] = 0;
                batch.Add(item);
                deliveries += item.Deliveries.Count;
                if (deliveries >= BatchSize)
                {
                    drained += deliveries;
                    await PublishAsync(batch, ct).ConfigureAwait(false);
                    batch.Clear();
                    deliveries = 0;
                }
            }
            drained += deliveries;
            if (batch.Count > 0) await PublishAsync(batch, ct).ConfigureAwait(false);
            if (drained > 0) LogDrained(drained);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // Storage away: what is left is picked up by the next sweep.
            LogDrainFailed(ex);
        }
    }

    /// <summary>Normalises every delivery of a stored blob; one that cannot be normalised keeps the blob (never dropped).</summary>
    private Item ToItem(string name, IReadOnlyList<RawDelivery> stored)
    {
        var deliveries = new List<Delivery>(stored.Count);
        var keep = false;
        foreach (var delivery in stored)
        {
            try
            {
                deliveries.Add(new Delivery(WebhookNormalization.ToEvent(delivery), delivery.TraceParent));
            }
            catch (FormatException ex)
            {
                // Verified at the door, so this is not expected; keep the blob for a person to look at.
                keep = true;
                LogDeliveryUnreadable(name, delivery.DeliveryId, ex.Message);
            }
        }
        return new Item(name, deliveries, keep);
    }

    /// <summary>Publishes until every delivery is acknowledged (or the host stops); a blob is queued for deletion once
    /// all of its deliveries are acknowledged.</summary>
    private async Task PublishAsync(List<Item> items, CancellationToken ct)
    {
        var deliveries = items.SelectMany(i => i.Deliveries.Select(d => (Item: i, Delivery: d))).ToList();
        var spans = StartPublishSpans(deliveries.Select(d => d.Delivery));
        try
        {
            await PublishUntilAcknowledgedAsync(deliveries, ct).ConfigureAwait(false);
        }
        finally
        {
            foreach (var span in spans) span.Stop();
        }
    }

    /// <summary>A producer span per traced delivery (parent: the accepting request), injected into its message.</summary>
    private static List<Activity> StartPublishSpans(IEnumerable<Delivery> deliveries)
    {
        var spans = new List<Activity>();
        if (!KafkaTraceContext.Source.HasListeners()) return spans;
        var previous = Activity.Current;
        foreach (var delivery in deliveries)
        {
            if (delivery.TraceParent is null || !ActivityContext.TryParse(delivery.TraceParent, null, isRemote: true, out var parent)) continue;
            var span = KafkaTraceContext.Source.StartActivity("github.events publish", ActivityKind.Producer, parent);
            if (span?.Id is null) continue;
            span.SetTag("messaging.system", "kafka");
            span.SetTag("messaging.operation.type", "send");
            span.SetTag("pipeline.event.id", delivery.Event.Id);
            KafkaTraceContext.Attach(delivery.Event, span.Id);
            spans.Add(span);
        }
        Activity.Current = previous;
        return spans;
    }

    private async Task PublishUntilAcknowledgedAsync(List<(Item Item, Delivery Delivery)> deliveries, CancellationToken ct)
    {
        var unacknowledged = new Dictionary<Item, int>(ReferenceEqualityComparer.Instance);
        foreach (var (item, _) in deliveries) unacknowledged[item] = unacknowledged.GetValueOrDefault(item) + 1;
        var pending = deliveries;
        var delay = TimeSpan.FromMilliseconds(200);
        while (pending.Count > 0)
        {
            IReadOnlyCollection<string> failed;
            try
            {
                await _publisher.PublishAsync(pending.Select(d => d.Delivery.Event).ToList(), ct).ConfigureAwait(false);
                failed = [];
            }
            catch (EventPublishException ex)
            {
                failed = ex.FailedEventIds.ToHashSet(StringComparer.Ordinal);
                LogPublishFailed(ex.FailedEventIds.Count, pending.Count, ex.Message);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failed = pending.Select(d => d.Delivery.Event.Id).ToHashSet(StringComparer.Ordinal);
                LogPublishFailed(pending.Count, pending.Count, ex.Message);
            }
            var done = 0;
            foreach (var (item, delivery) in pending)
            {
                if (failed.Contains(delivery.Event.Id)) continue;
                done++;
                if (--unacknowledged[item] == 0) Relayed(item);
            }
            WebhookMetrics.Relayed.Add(done);
            if (failed.Count == 0) return;
            pending = pending.Where(d => failed.Contains(d.Delivery.Event.Id)).ToList();
            WebhookMetrics.RelayRetries.Add(1);
            try
            {
                await Task.Delay(delay, _time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
        }
    }

    /// <summary>Every delivery of the blob is acknowledged by the broker: delete it (off this loop), or keep it when part of it was unreadable.</summary>
    private void Relayed(Item item)
    {
        if (item.Keep)
        {
            _unreadable[item.Name] = 0;
            _inFlight.TryRemove(item.Name, out _);
            return;
        }
        if (!_deletes.Writer.TryWrite(item.Name)) _inFlight.TryRemove(item.Name, out _);
    }

    private async Task DeleteWorkerAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var name in _deletes.Reader.ReadAllAsync(ct).ConfigureAwait(false)) await DeleteAsync(name, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: blobs not deleted yet are published again on the next start (deduped by the store).
        }
    }

    private async Task DeleteAsync(string name, CancellationToken ct)
    {
        try
        {
            await _inbox!.DeleteAsync(name, ct).ConfigureAwait(false);
            _inFlight.TryRemove(name, out _);
            WebhookMetrics.InboxDeleted.Add(1);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // Published already; a leftover blob is published again by the sweep and deduped by the store.
            _inFlight.TryRemove(name, out _);
            LogDeleteFailed(name, ex.Message);
        }
    }

    [LoggerMessage(EventId = 1136, Level = LogLevel.Error, Message = "Webhook delivery {Delivery} ({Event}) answered 503: the inbox write failed ({Reason})")]
    private partial void LogDurableWriteFailed(string delivery, string @event, string reason);

    [LoggerMessage(EventId = 1137, Level = LogLevel.Error, Message = "Inbox delivery {Name} cannot be normalised and stays in the inbox: {Error}")]
    private partial void LogUnreadable(string name, string error);

    [LoggerMessage(EventId = 1144, Level = LogLevel.Error, Message = "Inbox delivery {Name} (delivery {Delivery}) cannot be normalised and stays in the inbox: {Error}")]
    private partial void LogDeliveryUnreadable(string name, string delivery, string error);

    [LoggerMessage(EventId = 1138, Level = LogLevel.Information, Message = "Relayed {Count} delivery(ies) left in the webhook inbox")]
    private partial void LogDrained(int count);

    [LoggerMessage(EventId = 1139, Level = LogLevel.Warning, Message = "Draining the webhook inbox failed; the next sweep retries")]
    private partial void LogDrainFailed(Exception ex);

    [LoggerMessage(EventId = 1140, Level = LogLevel.Warning, Message = "Relay: {Failed} of {Count} delivery(ies) not acknowledged by the broker ({Error}); retrying")]
    private partial void LogPublishFailed(int failed, int count, string error);

    [LoggerMessage(EventId = 1141, Level = LogLevel.Warning, Message = "Relay: deleting inbox blob {Name} failed ({Error}); the sweep publishes it again (deduped)")]
    private partial void LogDeleteFailed(string name, string error);
}
