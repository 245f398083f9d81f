using Microsoft.Extensions.Logging;
using Pipeline.Domain;
using Pipeline.Storage;

namespace Pipeline.Ingestion.Consumer;

/// <summary>
/// The consumer's downstream, in order: the store (<see cref="IEventSink"/>: events and projections) first, then every
/// registered <see cref="IEventBatchHandler"/> in registration order. A store failure fails the batch (the consumer retries,
/// bisects and dead-letters); a subscriber's failure is logged and never undoes or fails the store write.
/// </summary>
internal sealed partial class ConsumerDownstream(IEventSink store, IEnumerable<IEventBatchHandler> handlers, ILogger<ConsumerDownstream> logger) : IEventSink
{
    /// <summary>The name the store takes in <see cref="Names"/>.</summary>
    public const string StoreName = "store";

    private readonly IReadOnlyList<IEventBatchHandler> _handlers = handlers.ToList();

    /// <summary>The downstream in the order it runs: <c>store</c>, then each subscriber's name.</summary>
    public IReadOnlyList<string> Names => [StoreName, .. _handlers.Select(h => h.Name)];

    public async Task<int> WriteAsync(IReadOnlyList<GitHubEvent> events, CancellationToken ct = default)
    {
        var fresh = await store.WriteAsync(events, ct).ConfigureAwait(false);
        foreach (var handler in _handlers)
        {
            try
            {
                await handler.HandleAsync(events, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                LogHandlerFailed(logger, ex, handler.Name, events.Count);
            }
        }
        return fresh;
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Batch handler {Handler} failed on a stored batch of {Count} event(s); the store write stands")]
    private static partial void LogHandlerFailed(ILogger logger, Exception ex, string handler, int count);
}
