using System.Text.Json.Nodes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Domain;
using Pipeline.Storage;

namespace Pipeline.ML.Serving;

/// <summary>
/// Background writer of the prediction log (a hosted service; both hosts register it through AddPipelineMl): batches of up
/// to <see cref="BatchSize"/> entries, one multi-row insert each. On a graceful stop it closes the queue and writes
/// everything still queued before it ends (hosted services stop after the server has finished its requests, so nothing
/// new arrives); only the host's shutdown timeout cuts that short.
/// </summary>
internal sealed partial class PredictionLogWriter(PredictionLog log, IDocumentStore store, MlMetrics metrics, ILogger<PredictionLogWriter> logger) : BackgroundService
{
    internal const int BatchSize = 500;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>Waits until every entry enqueued so far has been written or dropped (tests, shutdown).</summary>
    public async Task FlushAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while ((log.Pending > 0 || Interlocked.CompareExchange(ref _inFlight, 0, 0) > 0) && DateTime.UtcNow < deadline)
            await Task.Delay(20);
    }

    private int _inFlight;

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        var pending = log.Pending;
        log.Complete();
        if (ExecuteTask is { } running)
        {
            // The loop ends by itself once the closed queue is empty; the shutdown token is the only limit.
            await Task.WhenAny(running, Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
        }
        PredictionLogLog.PredictionLogStopped(logger, pending, log.Pending);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<KeyValuePair<string, JsonObject>>(BatchSize);
        var backoff = TimeSpan.FromMilliseconds(200);
        try
        {
            while (await log.Reader.WaitToReadAsync(stoppingToken))
            {
                Interlocked.Exchange(ref _inFlight, 1);
                while (batch.Count < BatchSize && log.Reader.TryRead(out var entry)) batch.Add(new(entry.Id, entry.ToDocument()));
                metrics.SetQueueDepth(log.Pending);
                while (batch.Count > 0)
                {
                    try
                    {
                        await store.InsertManyIfAbsentAsync(Collections.Predictions, batch, stoppingToken);
                        metrics.LogWritten.Add(batch.Count);
                        batch.Clear();
                        backoff = TimeSpan.FromMilliseconds(200);
                    }
                    catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                    {
                        throw;
                    }
                    catch (Exception ex)
                    {
                        // Keep the batch and retry; meanwhile new entries queue up and the oldest are dropped when full.
                        PredictionLogLog.PredictionLogWriteFailed(logger, ex, batch.Count, backoff);
                        await Task.Delay(backoff, stoppingToken);
                        backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
                        if (ex is not StoreUnavailableException && ex is not TimeoutException && backoff >= MaxBackoff)
                        {
                            log.CountDropped(batch.Count, "write_failed");
                            batch.Clear();
                        }
                    }
                }
                Interlocked.Exchange(ref _inFlight, 0);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The shutdown timeout ran out while the store was away: what is left is counted, not silently lost.
            var left = batch.Count + log.Pending;
            if (left > 0) log.CountDropped(left, "shutdown_timeout");
        }
    }
}

/// <summary>The source-generated log messages of PredictionLog (event ids: docs/architecture.md).</summary>
internal static partial class PredictionLogLog
{
    [LoggerMessage(EventId = 3018, Level = LogLevel.Warning, Message = "Prediction log write of {Count} entries failed; retrying in {Backoff}")]
    public static partial void PredictionLogWriteFailed(ILogger logger, Exception exception, int count, TimeSpan backoff);

    [LoggerMessage(EventId = 3290, Level = LogLevel.Information, Message = "Prediction log stopped: {Pending} entries were queued at stop, {Left} left unwritten")]
    public static partial void PredictionLogStopped(ILogger logger, int pending, int left);
}
