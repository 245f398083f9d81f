namespace Pipeline.Orchestration.Analytics;

/// <summary>What a caller may ask of a run (HTTP body, backfill, seeding).</summary>
public sealed record AggregateTrendsRequest(string? From = null, string? To = null, bool Force = false, string? Engine = null);
