using Pipeline.Analytics.Snapshot;

namespace Pipeline.Orchestration.Analytics;

/// <summary>The snapshot plan and the job names to run (read from the catalog inside the activity, so the orchestration
/// history records them).</summary>
public sealed record PreparedTrendsRun(SnapshotPlan Plan, IReadOnlyList<string> Jobs);
