namespace Pipeline.Ingestion.Redelivery;

/// <summary>The run stops here (rate-limit floor or a long Retry-After); the next run continues.</summary>
internal sealed class RedeliveryStoppedException(string message) : Exception(message);
