using Pipeline.Ingestion.Kafka;

namespace Pipeline.Ingestion.Consumer;

public enum ConsumerState
{
    /// <summary>Not started yet, or connecting / joining the group.</summary>
    Starting,
    /// <summary>Consuming and writing.</summary>
    Running,
    /// <summary>The store is unavailable: partitions are paused and the same batch is retried with back-off.</summary>
    PausedStoreUnavailable,
    /// <summary>The consumer failed and is restarting after a back-off.</summary>
    Faulted,
    Stopped,
}

/// <summary>A point-in-time view of the hosted consumer, for <c>/api/health</c> and the dashboard's ingestion panel.</summary>
public sealed record ConsumerStatus(
    ConsumerState State,
    DateTimeOffset? LastBatchAt,
    int LastBatchSize,
    long Lag,
    long Consumed,
    long Stored,
    long Duplicates,
    long DeadLettered,
    long StoreOutages,
    int AssignedPartitions,
    string? LastError);

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
