namespace Pipeline.Ingestion.Redelivery;

/// <summary>What one redelivery run did.</summary>
public sealed record RedeliveryRunResult(int Hooks, int Listed, int Failed, int Redelivered, int Skipped, string? StoppedReason);
