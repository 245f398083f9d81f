using Pipeline.Domain;

namespace Pipeline.Ingestion.Consumer;

/// <summary>
/// A subscriber to the consumer's batches, called after the store has written them (the store is always first, see
/// <see cref="ConsumerDownstream"/>). A module registers its handler with
/// <see cref="EventBatchHandlerRegistration.AddEventBatchHandler{THandler}"/> from its own Add… method, as eShop's
/// services add typed subscriptions. A batch can be delivered more than once: handlers must be idempotent.
/// </summary>
public interface IEventBatchHandler
{
    /// <summary>Stable name for logs and the architecture document (<c>predictions</c>, ...).</summary>
    string Name { get; }

    /// <summary>Handles a batch the store has written. A failure is logged and does not fail the store write.</summary>
    Task HandleAsync(IReadOnlyList<GitHubEvent> events, CancellationToken ct);
}
