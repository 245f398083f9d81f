namespace Pipeline.Storage;

/// <summary>The document store's part of /api/health.</summary>
internal sealed record StoreHealthReport(bool Healthy, string Provider, string Status, double LatencyMs);
