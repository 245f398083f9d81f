namespace Pipeline.Ingestion.Polling;

/// <summary>The poller must stop until <see cref="ResumeAt"/> (quota at its floor, or GitHub asked for a long wait).</summary>
internal sealed class QuotaExhaustedException(DateTimeOffset resumeAt, string reason) : Exception(reason)
{
    public DateTimeOffset ResumeAt { get; } = resumeAt;
}
