namespace Pipeline.ML;

public sealed class EvaluationSettings
{
    /// <summary>Pending predictions older than this without ground truth are expired (counted, never joined); a TimeSpan
    /// ("30.00:00:00" = 30 days).</summary>
    public TimeSpan Horizon { get; set; } = TimeSpan.FromDays(30);
    /// <summary>Pending predictions read per page while resolving (keyset order on the id).</summary>
    public int PageSize { get; set; } = 1000;
    /// <summary>A polled opening event counts as live when it reaches the pipeline within this many minutes.</summary>
    public int PollerFreshnessMinutes { get; set; } = 30;
}
