namespace Pipeline.Storage;

/// <summary>Pings the store with a timeout; reports "ok", "schema pending" or "unavailable: reason".</summary>
internal sealed class StoreHealth(IDocumentStore store, StoreSchema? schema = null)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    public async Task<StoreHealthReport> CheckAsync(TimeSpan? timeout = null, CancellationToken ct = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout ?? DefaultTimeout);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            await store.PingAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new(false, store.Provider, $"unavailable: no answer within {(timeout ?? DefaultTimeout).TotalSeconds:0.#} s", Elapsed(started));
        }
        catch (StoreUnavailableException e)
        {
            return new(false, store.Provider, "unavailable: " + e.Message, Elapsed(started));
        }
        if (schema is { IsReady: false })
        {
            return new(false, store.Provider, "schema pending", Elapsed(started));
        }
        return new(true, store.Provider, "ok", Elapsed(started));
    }

    private static double Elapsed(long started) => Math.Round(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, 2);
}
