namespace Pipeline.Ingestion.Kafka;

/// <summary>What a dead-letter replay did.</summary>
public sealed record DeadLetterReplayResult(long Replayed, long Partitions, TimeSpan Elapsed);
