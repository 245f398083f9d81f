using Pipeline.Ingestion.Kafka;

namespace Pipeline.Ingestion.Consumer;

/// <summary>Holds the consumer's counters and state; a singleton the service writes and health/dashboard read.</summary>
public sealed class ConsumerStatusTracker
{
    private readonly Lock _gate = new();
    private ConsumerState _state = ConsumerState.Starting;
    private DateTimeOffset? _lastBatchAt;
    private int _lastBatchSize;
    private long _lag;
    private long _consumed, _stored, _duplicates, _deadLettered, _outages;
    private int _assigned;
    private string? _lastError;

    public ConsumerStatusTracker()
    {
        KafkaMetrics.Meter.CreateObservableGauge("consumer.lag", () => Interlocked.Read(ref _lag), "{message}",
            "Messages in assigned partitions not yet consumed (from cached high watermarks)");
    }

    public ConsumerStatus Snapshot()
    {
        lock (_gate)
        {
            return new ConsumerStatus(_state, _lastBatchAt, _lastBatchSize, _lag, _consumed, _stored, _duplicates,
                _deadLettered, _outages, _assigned, _lastError);
        }
    }

    internal void SetState(ConsumerState state, string? error = null)
    {
        lock (_gate)
        {
            _state = state;
            if (error is not null) _lastError = error;
        }
    }

    internal void Consumed(int n)
    {
        lock (_gate) _consumed += n;
        KafkaMetrics.Consumed.Add(n);
    }

    internal void BatchDone(int size, int stored, int duplicates, DateTimeOffset at)
    {
        lock (_gate)
        {
            _stored += stored;
            _duplicates += duplicates;
            _lastBatchSize = size;
            _lastBatchAt = at;
            if (_state is ConsumerState.PausedStoreUnavailable or ConsumerState.Starting or ConsumerState.Faulted) _state = ConsumerState.Running;
        }
        KafkaMetrics.Stored.Add(stored);
        KafkaMetrics.Duplicates.Add(duplicates);
    }

    internal void DeadLettered()
    {
        lock (_gate) _deadLettered++;
    }

    internal void Outage(string error)
    {
        lock (_gate)
        {
            _outages++;
            _state = ConsumerState.PausedStoreUnavailable;
            _lastError = error;
        }
        KafkaMetrics.StoreOutages.Add(1);
    }

    internal void SetLag(long lag) => Interlocked.Exchange(ref _lag, lag);

    internal void SetAssigned(int count)
    {
        lock (_gate) _assigned = count;
    }
}
