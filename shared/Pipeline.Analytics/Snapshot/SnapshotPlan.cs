namespace Pipeline.Analytics.Snapshot;

/// <summary>
/// The outcome of the snapshot step: the days whose periods must be recomputed, the new watermark to record when
/// the run succeeds, and the snapshot partitions written.
/// </summary>
public sealed record SnapshotPlan(
    IReadOnlyList<string> TouchedDays,
    string? PreviousWatermark,
    string? Watermark,
    long NewEvents,
    int ExportedDays,
    long ExportedEvents,
    bool Full);
