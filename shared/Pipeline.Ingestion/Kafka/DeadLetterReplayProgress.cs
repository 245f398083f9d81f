namespace Pipeline.Ingestion.Kafka;

/// <summary>Progress of a replay: messages replayed so far, and the messages that were waiting when it started.</summary>
public sealed record DeadLetterReplayProgress(long Replayed, long Total);
