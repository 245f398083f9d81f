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
/// Durable acceptance of webhooks. <see cref="AcceptAsync"/> writes the raw delivery to the inbox (blob storage) within
/// <see cref="WebhookOptions.DurableWriteTimeout"/>; only then does the endpoint answer 202. The relay (this hosted
/// service) publishes inbox deliveries to the topic and deletes each blob once its delivery report has arrived, retrying
/// with capped back-off for as long as the broker is away. On start it drains what an earlier process left, and every
/// <see cref="WebhookOptions.RelaySweepInterval"/> it picks up deliveries older than that interval which are not queued
/// in memory (queue overflow, a failed delete, another instance that died). A delivery can thus be published twice (a
/// crash between report and delete); the store dedupes by event id, so it is stored once.
/// </summary>
internal sealed partial class WebhookRelay : BackgroundService
{
    private const int BatchSize = 500;
    private readonly IWebhookInbox? _inbox;
    private readonly IEventPublisher _publisher;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookRelay> _logger;
    private readonly Channel<Item> _queue = Channel.CreateBounded<Item>(new BoundedChannelOptions(10_000) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly ConcurrentDictionary<string, byte> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _unreadable = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal sealed record Item(string Name, GitHubEvent Event, string? TraceParent);

    public WebhookRelay(IWebhookInbox? inbox, IEventPublisher publisher, IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookRelay> logger)
    {
        _inbox = inbox;
        _publisher = publisher;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>True when deliveries go through the inbox (a storage account is configured and durable acceptance is on).</summary>
    public bool Enabled => _inbox is not null;

    /// <summary>Completes once the start-up drain has run (tests wait for it).</summary>
    public Task Drained => _drained.Task;

    /// <summary>Deliveries written to the inbox and not yet acknowledged by the broker (in this process).</summary>
    public int Pending => _inFlight.Count;

    /// <summary>Writes the delivery durably within the configured time; false (recorded as metric and log) when storage did not confirm it.</summary>
    public async Task<bool> AcceptAsync(RawDelivery delivery, GitHubEvent evt, CancellationToken ct)
    {
        if (_inbox is null) throw new InvalidOperationException("Durable acceptance is off (GitHub:DurableAcceptance=false)");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.DurableWriteTimeout);
        string name;
        try
        {
            name = await _inbox.WriteAsync(delivery, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            WebhookMetrics.DurableWriteFailed.Add(1);
            var reason = timeout.IsCancellationRequested ? $"no confirmation within {_options.DurableWriteTimeout}" : ex.Message;
            LogDurableWriteFailed(delivery.DeliveryId, delivery.Event, reason);
            return false;
        }
        WebhookMetrics.Accepted.Add(1);
        _inFlight[name] = 0;
        // A full queue (long broker outage) leaves the delivery to the sweep: it is in the inbox either way.
        if (!_queue.Writer.TryWrite(new Item(name, evt, delivery.TraceParent))) _inFlight.TryRemove(name, out _);
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_inbox is null)
        {
            _drained.TrySetResult();
            return;
        }
        await Task.Yield();
        try
        {
            await DrainAsync(TimeSpan.Zero, stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            _drained.TrySetResult();
        }
        var nextSweep = _time.GetUtcNow() + _options.RelaySweepInterval;
        var batch = new List<Item>(BatchSize);
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
            while (batch.Count < BatchSize && _queue.Reader.TryRead(out var item)) batch.Add(item);
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
    }

    /// <summary>Publishes every stored delivery older than <paramref name="minAge"/> that is not queued in memory.</summary>
    private async Task DrainAsync(TimeSpan minAge, CancellationToken ct)
    {
        var inbox = _inbox!;
        var drained = 0;
        try
        {
            var cutoff = _time.GetUtcNow() - minAge;
            var batch = new List<Item>(BatchSize);
            await foreach (var (name, written) in inbox.ListAsync(ct).ConfigureAwait(false))
            {
                if (written > cutoff || _inFlight.ContainsKey(name) || _unreadable.ContainsKey(name)) continue;
                var delivery = await inbox.ReadAsync(name, ct).ConfigureAwait(false);
                if (delivery is null) continue;
                GitHubEvent evt;
                try
                {
                    evt = WebhookNormalization.ToEvent(delivery);
                }
                catch (FormatException ex)
                {
                    // Verified at the door, so this is not expected; keep the blob for a person to look at, never drop it.
                    _unreadable[name] = 0;
                    LogUnreadable(name, ex.Message);
                    continue;
                }
                _inFlight[name] = 0;
                batch.Add(new Item(name, evt, delivery.TraceParent));
                if (batch.Count == BatchSize)
                {
                    drained += batch.Count;
                    await PublishAsync(batch, ct).ConfigureAwait(false);
                    batch.Clear();
                }
            }
            drained += batch.Count;
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

    /// <summary>Publishes until every item is acknowledged (or the host stops), deleting each blob after its report.</summary>
    private async Task PublishAsync(List<Item> items, CancellationToken ct)
    {
        var spans = StartPublishSpans(items);
        try
        {
            await PublishUntilAcknowledgedAsync(items, ct).ConfigureAwait(false);
        }
        finally
        {
            foreach (var span in spans) span.Stop();
        }
    }

    /// <summary>A producer span per traced delivery (parent: the accepting request), injected into its message.</summary>
    private static List<Activity> StartPublishSpans(List<Item> items)
    {
        var spans = new List<Activity>();
        if (!KafkaTraceContext.Source.HasListeners()) return spans;
        var previous = Activity.Current;
        foreach (var item in items)
        {
            if (item.TraceParent is null || !ActivityContext.TryParse(item.TraceParent, null, isRemote: true, out var parent)) continue;
            var span = KafkaTraceContext.Source.StartActivity("github.events publish", ActivityKind.Producer, parent);
            if (span?.Id is null) continue;
            span.SetTag("messaging.system", "kafka");
            span.SetTag("messaging.operation.type", "send");
            span.SetTag("pipeline.event.id", item.Event.Id);
            KafkaTraceContext.Attach(item.Event, span.Id);
            spans.Add(span);
        }
        Activity.Current = previous;
        return spans;
    }

    private async Task PublishUntilAcknowledgedAsync(List<Item> items, CancellationToken ct)
    {
        var pending = items.ToList();
        var delay = TimeSpan.FromMilliseconds(200);
        while (pending.Count > 0)
        {
            IReadOnlyCollection<string> failed;
            try
            {
                await _publisher.PublishAsync(pending.Select(i => i.Event).ToList(), ct).ConfigureAwait(false);
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
                failed = pending.Select(i => i.Event.Id).ToHashSet(StringComparer.Ordinal);
                LogPublishFailed(pending.Count, pending.Count, ex.Message);
            }
            var done = failed.Count == 0 ? pending : pending.Where(i => !failed.Contains(i.Event.Id)).ToList();
            foreach (var item in done) await DeleteAsync(item.Name, ct).ConfigureAwait(false);
            WebhookMetrics.Relayed.Add(done.Count);
            if (failed.Count == 0) return;
            pending = pending.Where(i => failed.Contains(i.Event.Id)).ToList();
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

    private async Task DeleteAsync(string name, CancellationToken ct)
    {
        try
        {
            await _inbox!.DeleteAsync(name, ct).ConfigureAwait(false);
            _inFlight.TryRemove(name, out _);
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

    [LoggerMessage(EventId = 1138, Level = LogLevel.Information, Message = "Relayed {Count} delivery(ies) left in the webhook inbox")]
    private partial void LogDrained(int count);

    [LoggerMessage(EventId = 1139, Level = LogLevel.Warning, Message = "Draining the webhook inbox failed; the next sweep retries")]
    private partial void LogDrainFailed(Exception ex);

    [LoggerMessage(EventId = 1140, Level = LogLevel.Warning, Message = "Relay: {Failed} of {Count} delivery(ies) not acknowledged by the broker ({Error}); retrying")]
    private partial void LogPublishFailed(int failed, int count, string error);

    [LoggerMessage(EventId = 1141, Level = LogLevel.Warning, Message = "Relay: deleting inbox blob {Name} failed ({Error}); the sweep publishes it again (deduped)")]
    private partial void LogDeleteFailed(string name, string error);
}
