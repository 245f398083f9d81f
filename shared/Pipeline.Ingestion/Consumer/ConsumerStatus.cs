namespace Pipeline.Ingestion.Consumer;

/// <summary>A point-in-time view of the hosted consumer, for <c>/api/health</c> and the dashboard's ingestion panel.</summary>
public sealed record ConsumerStatus(
    ConsumerState State,
    DateTimeOffset? LastBatchAt,
    int LastBatchSize,
    long Lag,
    long Consumed,
    long Stored,
    long Duplicates,
    long DeadLettered,
    long StoreOutages,
    int AssignedPartitions,
    string? LastError);
