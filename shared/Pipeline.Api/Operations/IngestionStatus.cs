namespace Pipeline.Api.Operations;

/// <summary>What the dashboard's ingestion panel shows.</summary>
internal sealed record IngestionStatus(
    double EventsPerSecond,
    long EventsLastMinute,
    long? ConsumerLag,
    string? ConsumerState,
    long? DlqCount,
    DateTimeOffset? LastPollAt,
    DateTimeOffset? LastEventAt,
    long TotalEvents);
