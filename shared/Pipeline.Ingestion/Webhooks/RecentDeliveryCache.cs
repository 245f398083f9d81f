using System.Collections.Concurrent;

namespace Pipeline.Ingestion.Webhooks;

/// <summary>
/// Remembers recent delivery ids so a redelivery within <see cref="WebhookOptions.DuplicateWindow"/> is acknowledged
/// without publishing again. A delivery that is still being published is shared: a concurrent duplicate waits for its
/// outcome and only takes over if that publish failed, so a duplicate is never acknowledged for an event that was lost.
/// The store dedupes by event id as well; this cache only spares the broker and the consumer the repeat.
/// </summary>
public sealed class RecentDeliveryCache(TimeSpan window, int capacity, TimeProvider time)
{
    internal sealed record Entry(Task<bool> Published, long AddedTicks);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _lastSweepTicks;

    public int Count => _entries.Count;

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
                SweepIfNeeded(now);
                return new Claim(this, deliveryId, tcs, mine);
            }
            if (now - existing.AddedTicks > window.Ticks)
            {
                _entries.TryRemove(KeyValuePair.Create(deliveryId, existing));
                continue;
            }
            if (await existing.Published.WaitAsync(ct).ConfigureAwait(false)) return new Claim(this, deliveryId, null, null) { IsDuplicate = true };
            // The earlier attempt failed and removed itself; try to become the owner.
        }
    }

    private void SweepIfNeeded(long now)
    {
        var last = Interlocked.Read(ref _lastSweepTicks);
        var due = _entries.Count > capacity || now - last > window.Ticks;
        if (!due || Interlocked.CompareExchange(ref _lastSweepTicks, now, last) != last) return;
        foreach (var (key, entry) in _entries)
        {
            if (now - entry.AddedTicks > window.Ticks && entry.Published.IsCompleted) _entries.TryRemove(KeyValuePair.Create(key, entry));
        }
        if (_entries.Count > capacity)
        {
            foreach (var (key, entry) in _entries.Where(e => e.Value.Published.IsCompleted).OrderBy(e => e.Value.AddedTicks).Take(_entries.Count - capacity).ToList())
            {
                _entries.TryRemove(KeyValuePair.Create(key, entry));
            }
        }
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
            if (!published && _entry is not null) _cache._entries.TryRemove(KeyValuePair.Create(_deliveryId, _entry));
            _tcs.TrySetResult(published);
        }
    }
}
