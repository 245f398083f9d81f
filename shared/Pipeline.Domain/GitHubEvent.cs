using System.Text.Json;

namespace Pipeline.Domain;

/// <summary>
/// The one normalised envelope every ingestion path publishes to topic <c>github.events</c>,
/// keyed by <see cref="Repo"/> (the repository full name, <c>owner/name</c>).
/// </summary>
/// <param name="Id">Natural, stable id: the GitHub event id (GH Archive, Events API), <c>delivery:{guid}</c> for webhooks,
/// or a deterministic id derived from the polled resource. Redelivery of the same id is stored once.</param>
/// <param name="Type">GitHub event type in webhook form (<c>issues</c>, <c>pull_request</c>, <c>push</c>, <c>watch</c>, ...).</param>
/// <param name="Action">The payload's <c>action</c>, when it has one.</param>
/// <param name="Repo">Repository full name in GitHub's casing, for display (GitHub names are case-insensitive: keys and
/// projection ids use <see cref="RepoKey"/>).</param>
/// <param name="Actor">Login of the user who caused the event, when known.</param>
/// <param name="CreatedAt">When the event happened at GitHub.</param>
/// <param name="Source">One of <see cref="EventSources"/>.</param>
/// <param name="DeliveryId">The webhook's <c>X-GitHub-Delivery</c>, when the event came by webhook.</param>
/// <param name="ReceivedAt">When Pipeline received it.</param>
/// <param name="Payload">The raw GitHub payload, kept whole.</param>
public sealed record GitHubEvent(
    string Id,
    string Type,
    string? Action,
    string Repo,
    string? Actor,
    DateTimeOffset CreatedAt,
    string Source,
    string? DeliveryId,
    DateTimeOffset ReceivedAt,
    JsonElement Payload)
{
    /// <summary>The canonical key of the GitHub activity this event reports, equal across sources
    /// (<see cref="Normalization.ActivityKey"/>): trends count distinct keys, projections fold each key once.</summary>
    public string ActivityKey => Normalization.ActivityKey.For(this);

    /// <summary>The repository full name lower-cased: the id of repository-keyed projection documents.</summary>
    public string RepoKey => Normalization.ActivityKey.RepoKey(Repo);
    /// <summary>W3C trace id (32 hex digits) of the trace that carried the event in (webhook → topic → consumer → store),
    /// taken from the Kafka message's <c>traceparent</c> header by the consumer; null when it came untraced.</summary>
    public string? TraceId { get; init; }
}
