using System.Collections.Concurrent;

namespace Pipeline.Ingestion.Webhooks;

/// <summary>
/// Remembers recent delivery ids so a redelivery within <see cref="WebhookOptions.DuplicateWindow"/> is acknowledged
/// without publishing again. A delivery that is still being published is shared: a concurrent duplicate waits for its
/// outcome and only takes over if that publish failed, so a duplicate is never acknowledged for an event that was lost.
/// The store dedupes by event id as well; this cache only spares the broker and the consumer the repeat.
/// Entries leave in insertion order (a queue) once older than the window or beyond the capacity, so every operation is O(1).
/// </summary>
internal sealed class RecentDeliveryCache(TimeSpan window, int capacity, TimeProvider time)
{
    internal sealed record Entry(Task<bool> Published, long AddedTicks);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Key, Entry Entry)> _order = new();
    private readonly Lock _evictGate = new();

    // ConcurrentDictionary.Count takes every bucket lock (up to 1024 as the table grows): far too slow for the hot path,
    // so the cache keeps its own count.
    private int _count;

    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// Claims the delivery id. Returns a claim whose <see cref="Claim.IsOwner"/> is true when the caller must publish
    /// (then call <see cref="Claim.Complete"/>); false when an earlier delivery with this id was (or is being, and then
    /// was successfully) published.
    /// </summary>
    public async Task<Claim> ClaimAsync(string deliveryId, CancellationToken ct)
    {
        if (capacity == 0 || window == TimeSpan.Zero) return new Claim(this, deliveryId, null, null);
        while (true)
        {
            var now = time.GetUtcNow().UtcTicks;
            var tcs = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            var mine = new Entry(tcs.Task, now);
            var existing = _entries.GetOrAdd(deliveryId, mine);
            if (ReferenceEquals(existing, mine))
            {
                Interlocked.Increment(ref _count);
                _order.Enqueue((deliveryId, mine));
                Evict(now);
                return new Claim(this, deliveryId, tcs, mine);
            }
            if (now - existing.AddedTicks > window.Ticks)
            {
                Remove(deliveryId, existing);
                continue;
            }
            if (await existing.Published.WaitAsync(ct).ConfigureAwait(false)) return new Claim(this, deliveryId, null, null) { IsDuplicate = true };
            // The earlier attempt failed and removed itself; try to become the owner.
        }
    }

    /// <summary>Drops the oldest entries while they are expired or the cache is over capacity; never one still publishing.</summary>
    private void Evict(long now)
    {
        if (!_evictGate.TryEnter()) return;
        try
        {
            while (_order.TryPeek(out var head))
            {
                var expired = now - head.Entry.AddedTicks > window.Ticks;
                if (!expired && Count <= capacity) break;
                if (!head.Entry.Published.IsCompleted) break;
                if (_order.TryDequeue(out head)) Remove(head.Key, head.Entry);
            }
        }
        finally
        {
            _evictGate.Exit();
        }
    }

    private void Remove(string key, Entry entry)
    {
        if (_entries.TryRemove(KeyValuePair.Create(key, entry))) Interlocked.Decrement(ref _count);
    }

    public sealed class Claim
    {
        private readonly RecentDeliveryCache _cache;
        private readonly string _deliveryId;
        private readonly TaskCompletionSource<bool>? _tcs;
        private readonly Entry? _entry;

        internal Claim(RecentDeliveryCache cache, string deliveryId, TaskCompletionSource<bool>? tcs, Entry? entry)
        {
            _cache = cache;
            _deliveryId = deliveryId;
            _tcs = tcs;
            _entry = entry;
        }

        public bool IsDuplicate { get; init; }

        public bool IsOwner => !IsDuplicate;

        /// <summary>Records the publish outcome; a failure forgets the id so a retry publishes again.</summary>
        public void Complete(bool published)
        {
            if (_tcs is null) return;
            if (!published && _entry is not null) _cache.Remove(_deliveryId, _entry);
            _tcs.TrySetResult(published);
        }
    }
}
