namespace Pipeline.Analytics.Snapshot;

/// <summary>What a run asks the snapshot step for.</summary>
/// <param name="From">First day (inclusive) that may be recomputed; null: no lower bound.</param>
/// <param name="To">Last day (inclusive); null: no upper bound.</param>
/// <param name="Force">Recompute every day in the window, ignoring the watermark.</param>
public sealed record SnapshotRequest(DateOnly? From, DateOnly? To, bool Force);
