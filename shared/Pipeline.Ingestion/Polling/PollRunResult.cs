namespace Pipeline.Ingestion.Polling;

/// <summary>The outcome of <see cref="GitHubPoller.PollAllAsync"/>.</summary>
public sealed record PollRunResult(IReadOnlyList<PollResult> Results, DateTimeOffset? PausedUntil, string? PauseReason, int? RateLimitRemaining)
{
    public int Published => Results.Sum(r => r.Published);
    public int Requests => Results.Sum(r => r.Requests);
    public bool Skipped => Results.Count == 0 && PausedUntil is not null;
}
