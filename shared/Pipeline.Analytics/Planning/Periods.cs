using System.Globalization;
using Pipeline.Analytics.Jobs;

namespace Pipeline.Analytics.Planning;

/// <summary>Calendar arithmetic shared by the planner, the serving layer and the tests (UTC dates, ISO weeks).</summary>
public static class Periods
{
    public const string DateFormat = "yyyy-MM-dd";

    public static string Format(DateOnly d) => d.ToString(DateFormat, CultureInfo.InvariantCulture);

    public static DateOnly Parse(string s) => DateOnly.ParseExact(s, DateFormat, CultureInfo.InvariantCulture);

    public static DateOnly WeekStart(DateOnly d) => d.AddDays(-(((int)d.DayOfWeek + 6) % 7));

    public static DateOnly MonthStart(DateOnly d) => new(d.Year, d.Month, 1);

    /// <summary>The first day of the period holding <paramref name="d"/>.</summary>
    public static DateOnly Start(PeriodKind kind, DateOnly d) => kind switch
    {
        PeriodKind.Day => d,
        PeriodKind.Week => WeekStart(d),
        PeriodKind.Month => MonthStart(d),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "period none has no start"),
    };

    /// <summary>The first day after the period that starts at <paramref name="start"/>.</summary>
    public static DateOnly End(PeriodKind kind, DateOnly start) => kind switch
    {
        PeriodKind.Day => start.AddDays(1),
        PeriodKind.Week => start.AddDays(7),
        PeriodKind.Month => start.AddMonths(1),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "period none has no end"),
    };

    public static IEnumerable<DateOnly> Days(DateOnly fromInclusive, DateOnly toExclusive)
    {
        for (var d = fromInclusive; d < toExclusive; d = d.AddDays(1)) yield return d;
    }

    public static int IsoWeek(DateOnly d) => ISOWeek.GetWeekOfYear(d.ToDateTime(TimeOnly.MinValue));
}
