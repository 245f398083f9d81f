using Pipeline.Domain;

namespace Pipeline.Ingestion;

/// <summary>
/// Publishes normalised events to topic <c>github.events</c>, keyed by repository full name.
/// Completes only when every event in the batch is acknowledged by the broker (delivery reports checked),
/// so callers can acknowledge their own input (a webhook delivery, a poll watermark, a backfill offset) afterwards.
/// </summary>
public interface IEventPublisher
{
    Task PublishAsync(IReadOnlyList<GitHubEvent> events, CancellationToken ct = default);
}
