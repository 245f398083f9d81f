namespace Pipeline.Ingestion.Polling;

/// <summary>Poller-wide state (document <c>_global</c>): when polling is paused for the rate limit.</summary>
public sealed record GlobalPollState
{
    public DateTimeOffset? PausedUntil { get; init; }
    public string? PauseReason { get; init; }
}
