using System.Text.Json.Serialization;

namespace Pipeline.Analytics.Trends;

/// <summary>A validated trends query.</summary>
public sealed record TrendQuery(
    string Metric,
    DateOnly From,
    DateOnly To,
    int CompareYears,
    string? Repo = null,
    string? Language = null,
    string Kind = "issue",
    string Measure = "events",
    int Limit = 10);

/// <summary>One point of a series. <see cref="Index"/> is the position from the window start (weeks or months), the
/// same for every year, so series of different years overlay; <see cref="Label"/> is what the axis shows.
/// <see cref="Status"/>: null for a complete period, <c>partial</c> for the period in progress today (its value is so
/// far, not a drop), <c>future</c> for a period that has not started (no data can exist yet).</summary>
public sealed record TrendPoint(
    int Index,
    string Label,
    string Period,
    double Value,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, double>? Values = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Status = null);

/// <summary>Values of <see cref="TrendPoint.Status"/>.</summary>
public static class PointStatus
{
    public const string Partial = "partial";
    public const string Future = "future";

    /// <summary>The status of the period [start, endExclusive) on <paramref name="today"/>.</summary>
    public static string? Of(DateOnly start, DateOnly endExclusive, DateOnly today) =>
        today >= endExclusive ? null : today >= start ? Partial : Future;
}

/// <summary>A series: one year's window (<see cref="YearsBack"/> = 0 is the requested window) of one name.</summary>
public sealed record TrendSeries(string Name, int Year, int YearsBack, string From, string To, double Total, IReadOnlyList<TrendPoint> Points);

/// <summary>A repository ranked by growth against the same months a year earlier.</summary>
public sealed record GrowingRepository(
    string Repo,
    string? Language,
    long Stars,
    long StarsPrevYear,
    long StarDelta,
    double? StarGrowthPct,
    long Events,
    long EventsPrevYear,
    double? EventGrowthPct);

public sealed record TrendResponse(
    string Metric,
    string Granularity,
    string From,
    string To,
    int CompareYears,
    IReadOnlyDictionary<string, string?> Filters,
    IReadOnlyList<TrendSeries> Series,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<GrowingRepository>? Items = null);

public sealed record RepositoryDimension(string Repo, string? Language);

public sealed record TrendDimensions(IReadOnlyList<RepositoryDimension> Repositories, IReadOnlyList<string> Languages, IReadOnlyList<string> Metrics);
