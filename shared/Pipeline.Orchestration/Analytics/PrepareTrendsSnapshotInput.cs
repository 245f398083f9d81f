namespace Pipeline.Orchestration.Analytics;

public sealed record PrepareTrendsSnapshotInput(string RunId, string Engine, string Trigger, string StartedAt, string? From, string? To, bool Force);
