using Pipeline.Domain;

namespace Pipeline.Storage;

/// <summary>
/// Where the consumer lands a batch of events: the <c>events</c> collection (insert-if-absent by event id)
/// and the projections derived from modelled types (repositories, issues with history, pulls, stars).
/// Must be idempotent: writing the same batch twice leaves the store as writing it once.
/// </summary>
public interface IEventSink
{
    /// <summary>Writes the batch; returns how many events were new. Throws <see cref="StoreUnavailableException"/> on outage.</summary>
    Task<int> WriteAsync(IReadOnlyList<GitHubEvent> events, CancellationToken ct = default);
}
