using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Pipeline.ML.Serving;

/// <summary>
/// Asynchronous prediction log: <see cref="Enqueue"/> never blocks and never throws; a bounded channel drops the oldest
/// entry (counted) when full, and <see cref="PredictionLogWriter"/> drains it in batches to the <c>predictions</c>
/// collection, retrying through store outages, so the store can neither fail nor slow a prediction.
/// </summary>
public sealed class PredictionLog
{
    private readonly Channel<PredictionLogEntry> _channel;
    private readonly MlMetrics _metrics;
    private long _dropped;
    private long _enqueued;

    public PredictionLog(IOptions<MlOptions> options, MlMetrics metrics)
    {
        _metrics = metrics;
        _channel = Channel.CreateBounded<PredictionLogEntry>(
            new BoundedChannelOptions(options.Value.Serving.PredictionLogCapacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
                SingleWriter = false,
            },
            _ =>
            {
                Interlocked.Increment(ref _dropped);
                _metrics.LogDropped.Add(1, new KeyValuePair<string, object?>("reason", "queue_full"));
            });
    }

    public long Dropped => Interlocked.Read(ref _dropped);
    public long Enqueued => Interlocked.Read(ref _enqueued);
    public int Pending => _channel.Reader.Count;

    internal ChannelReader<PredictionLogEntry> Reader => _channel.Reader;

    public void Enqueue(string id, JsonObject document) => Enqueue(PredictionLogEntry.Ready(id, document));

    internal void Enqueue(PredictionLogEntry entry)
    {
        if (_channel.Writer.TryWrite(entry))
        {
            // Reading the depth takes the channel's lock again: refresh the gauge every 32nd entry (the writer refreshes
            // it after each batch too) instead of on every one.
            if ((Interlocked.Increment(ref _enqueued) & 31) == 1) _metrics.SetQueueDepth(_channel.Reader.Count);
        }
        else CountDropped(1, "stopped"); // only after Complete: the host is shutting down
    }

    /// <summary>Closes the queue (graceful stop): the writer drains what it holds, then ends.</summary>
    internal void Complete() => _channel.Writer.TryComplete();

    internal void CountDropped(int count, string reason)
    {
        Interlocked.Add(ref _dropped, count);
        _metrics.LogDropped.Add(count, new KeyValuePair<string, object?>("reason", reason));
    }
}
