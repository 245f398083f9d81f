using System.Collections.Concurrent;
using Pipeline.Domain;
using Pipeline.Storage;

namespace Pipeline.Testing.Kafka;

/// <summary>
/// An <see cref="IEventSink"/> with the real sink's contract (insert-if-absent by event id, returns how many were new)
/// over a dictionary, plus switches that make it behave like a failing store: an outage
/// (<see cref="StoreUnavailableException"/>), events it always rejects, or a write that never returns (a consumer
/// killed mid-batch).
/// </summary>
public sealed class RecordingEventSink : IEventSink
{
    private readonly ConcurrentDictionary<string, GitHubEvent> _events = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _writesPerId = new(StringComparer.Ordinal);
    private volatile bool _unavailable;
    private int _outageFailures;
    private int _hangAfterWrites = -1;
    private int _writes;
    private int _inFlight;
    private int _maxInFlight;
    private int _callsStarted;
    private volatile TaskCompletionSource? _hold;
    private readonly List<string> _storedOrder = [];

    public IReadOnlyDictionary<string, GitHubEvent> Events => _events;

    /// <summary>How many times each id was handed to the sink (re-delivery shows up here, not in <see cref="Events"/>).</summary>
    public IReadOnlyDictionary<string, int> WritesPerId => _writesPerId;

    public int Count => _events.Count;

    /// <summary>Write calls that failed with <see cref="StoreUnavailableException"/>.</summary>
    public int OutageFailures => Volatile.Read(ref _outageFailures);

    /// <summary>Ids the sink throws a non-transient <see cref="InvalidOperationException"/> for, every time.</summary>
    public ConcurrentDictionary<string, bool> PoisonIds { get; } = new(StringComparer.Ordinal);

    public bool Unavailable
    {
        get => _unavailable;
        set => _unavailable = value;
    }

    /// <summary>After this many successful write calls, the next call stores half of its batch and then hangs until cancelled.</summary>
    public void HangAfterWrites(int writes) => Volatile.Write(ref _hangAfterWrites, writes);

    /// <summary>Write calls started so far.</summary>
    public int CallsStarted => Volatile.Read(ref _callsStarted);

    /// <summary>The most write calls that were in the sink at the same time.</summary>
    public int MaxConcurrentCalls => Volatile.Read(ref _maxInFlight);

    /// <summary>Ids in the order the sink first stored them.</summary>
    public IReadOnlyList<string> StoredOrder
    {
        get
        {
            lock (_storedOrder) return [.. _storedOrder];
        }
    }

    /// <summary>Write calls from now on wait (before storing anything) until <see cref="Release"/>.</summary>
    public void Hold() => _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release()
    {
        var hold = _hold;
        _hold = null;
        hold?.TrySetResult();
    }

    public async Task<int> WriteAsync(IReadOnlyList<GitHubEvent> events, CancellationToken ct = default)
    {
        Interlocked.Increment(ref _callsStarted);
        var now = Interlocked.Increment(ref _inFlight);
        int seen;
        while ((seen = Volatile.Read(ref _maxInFlight)) < now && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
        {
        }
        try
        {
            if (_hold is { } hold) await hold.Task.WaitAsync(ct);
            return await WriteCoreAsync(events, ct);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task<int> WriteCoreAsync(IReadOnlyList<GitHubEvent> events, CancellationToken ct)
    {
        if (_unavailable)
        {
            Interlocked.Increment(ref _outageFailures);
            throw new StoreUnavailableException("simulated store outage");
        }
        var poison = events.FirstOrDefault(e => PoisonIds.ContainsKey(e.Id));
        if (poison is not null)
        {
            throw new InvalidOperationException($"simulated permanent rejection of event {poison.Id}");
        }
        var hangAfter = Volatile.Read(ref _hangAfterWrites);
        if (hangAfter >= 0 && Volatile.Read(ref _writes) >= hangAfter)
        {
            Interlocked.Exchange(ref _hangAfterWrites, -1);
            foreach (var e in events.Take(events.Count / 2)) Record(e);
            await Task.Delay(Timeout.Infinite, ct);
        }
        var fresh = 0;
        foreach (var e in events)
        {
            if (Record(e)) fresh++;
        }
        Interlocked.Increment(ref _writes);
        return fresh;
    }

    private bool Record(GitHubEvent e)
    {
        _writesPerId.AddOrUpdate(e.Id, 1, (_, n) => n + 1);
        if (!_events.TryAdd(e.Id, e)) return false;
        lock (_storedOrder) _storedOrder.Add(e.Id);
        return true;
    }
}
