namespace Pipeline.Analytics.Engines;

/// <summary>One job of one run: which job, for which touched days, stamped with the run's id and time.</summary>
public sealed record JobRunRequest(string RunId, string Job, IReadOnlyList<string> TouchedDays, string ComputedAt);
