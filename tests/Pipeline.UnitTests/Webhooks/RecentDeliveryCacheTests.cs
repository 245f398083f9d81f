using Pipeline.Ingestion.Webhooks;

namespace Pipeline.UnitTests.Webhooks;

public sealed class RecentDeliveryCacheTests
{
    private sealed class ManualTime : TimeProvider
    {
        public DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public async Task Id_is_forgotten_after_the_window()
    {
        var time = new ManualTime();
        var cache = new RecentDeliveryCache(TimeSpan.FromMinutes(10), 1000, time);
        (await cache.ClaimAsync("a", default)).Complete(true);

        Assert.True((await cache.ClaimAsync("a", default)).IsDuplicate);
        time.Now += TimeSpan.FromMinutes(11);
        var again = await cache.ClaimAsync("a", default);
        Assert.True(again.IsOwner);
    }

    [Fact]
    public async Task Capacity_bounds_memory_by_evicting_the_oldest_completed_ids()
    {
        var cache = new RecentDeliveryCache(TimeSpan.FromHours(1), 100, new ManualTime());
        for (var i = 0; i < 1000; i++) (await cache.ClaimAsync($"d{i}", default)).Complete(true);

        Assert.InRange(cache.Count, 100, 101);
        Assert.True((await cache.ClaimAsync("d999", default)).IsDuplicate);
        Assert.True((await cache.ClaimAsync("d0", default)).IsOwner);
    }

    [Fact]
    public async Task Failed_publish_forgets_the_id()
    {
        var cache = new RecentDeliveryCache(TimeSpan.FromHours(1), 100, new ManualTime());
        (await cache.ClaimAsync("x", default)).Complete(false);
        Assert.True((await cache.ClaimAsync("x", default)).IsOwner);
        Assert.Equal(1, cache.Count);
    }
}
