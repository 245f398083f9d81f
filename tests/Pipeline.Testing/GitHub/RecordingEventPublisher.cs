using System.Collections.Concurrent;
using Pipeline.Domain;
using Pipeline.Ingestion;

namespace Pipeline.Testing.GitHub;

/// <summary>An in-memory <see cref="IEventPublisher"/> that records every published event (thread-safe), optionally
/// failing the first calls or waiting on a gate, to prove callers acknowledge only after a successful publish.</summary>
public sealed class RecordingEventPublisher : IEventPublisher
{
    private readonly ConcurrentQueue<GitHubEvent> _events = new();
    private int _calls;

    /// <summary>How many of the next calls throw (then calls succeed again).</summary>
    public int FailNextCalls;

    /// <summary>When set, every call waits for it before recording.</summary>
    public TaskCompletionSource? Gate { get; set; }

    /// <summary>Called before each batch is recorded; throw from it to fail that publish.</summary>
    public Action<IReadOnlyList<GitHubEvent>>? BeforePublish { get; set; }

    public IReadOnlyList<GitHubEvent> Events => _events.ToArray();

    public int Calls => Volatile.Read(ref _calls);

    public async Task PublishAsync(IReadOnlyList<GitHubEvent> events, CancellationToken ct = default)
    {
        Interlocked.Increment(ref _calls);
        if (Gate is { } gate) await gate.Task.WaitAsync(ct).ConfigureAwait(false);
        while (Volatile.Read(ref FailNextCalls) is var n && n > 0)
        {
            if (Interlocked.CompareExchange(ref FailNextCalls, n - 1, n) == n) throw new InvalidOperationException("simulated broker failure");
        }
        BeforePublish?.Invoke(events);
        foreach (var e in events) _events.Enqueue(e);
    }

    public void Clear() => _events.Clear();
}
