using Pipeline.Analytics.Engines;
using Pipeline.Analytics.Snapshot;

namespace Pipeline.Orchestration.Analytics;

/// <summary>The run document as the orchestrator sees it at the start or the end of a run.</summary>
public sealed record TrendsRunRecord(
    string RunId,
    string Status,
    string Engine,
    string Trigger,
    string StartedAt,
    string? FinishedAt,
    SnapshotPlan? Plan,
    IReadOnlyList<JobOutcome> Jobs,
    string? Error);
