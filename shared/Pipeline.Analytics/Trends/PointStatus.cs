namespace Pipeline.Analytics.Trends;

/// <summary>Values of <see cref="TrendPoint.Status"/>.</summary>
internal static class PointStatus
{
    public const string Partial = "partial";
    public const string Future = "future";

    /// <summary>The status of the period [start, endExclusive) on <paramref name="today"/>.</summary>
    public static string? Of(DateOnly start, DateOnly endExclusive, DateOnly today) =>
        today >= endExclusive ? null : today >= start ? Partial : Future;
}
