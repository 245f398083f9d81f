using System.Globalization;
using NCrontab;

namespace Pipeline.Domain.Scheduling;

/// <summary>
/// A timer schedule in the forms the Azure Functions timer trigger accepts, parsed by NCrontab (the library the Functions
/// runtime uses): a six-field NCRONTAB expression (<c>second minute hour day month day-of-week</c>, names such as
/// <c>MON-FRI</c> and <c>JAN</c> included), a five-field one (no seconds), or the TimeSpan form <c>hh:mm:ss</c> (a constant
/// interval, anchored here at the Unix epoch so every host derives the same occurrences). Times are UTC.
/// </summary>
public sealed class TimerSchedule
{
    private static readonly TimeSpan[] LookBack =
        [TimeSpan.FromMinutes(1), TimeSpan.FromHours(1), TimeSpan.FromDays(1), TimeSpan.FromDays(32), TimeSpan.FromDays(367), TimeSpan.FromDays(366 * 5)];

    private readonly CrontabSchedule? _cron;
    private readonly TimeSpan _interval;

    private TimerSchedule(string expression, CrontabSchedule? cron, TimeSpan interval)
    {
        Expression = expression;
        _cron = cron;
        _interval = interval;
    }

    public string Expression { get; }

    /// <summary>Parses <paramref name="expression"/>; throws <see cref="FormatException"/> with the reason.</summary>
    public static TimerSchedule Parse(string expression)
    {
        if (TryParse(expression, out var schedule, out var error))
        {
            return schedule;
        }
        throw new FormatException(error);
    }

    public static bool TryParse(string? expression, out TimerSchedule schedule) => TryParse(expression, out schedule, out _);

    private static bool TryParse(string? expression, out TimerSchedule schedule, out string error)
    {
        schedule = null!;
        var text = expression?.Trim() ?? "";
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (fields is 5 or 6)
        {
            var cron = CrontabSchedule.TryParse(text, new CrontabSchedule.ParseOptions { IncludingSeconds = fields == 6 });
            if (cron is null)
            {
                error = $"'{text}' is not a valid NCRONTAB expression (second minute hour day month day-of-week)";
                return false;
            }
            schedule = new TimerSchedule(text, cron, TimeSpan.Zero);
            error = "";
            return true;
        }
        if (fields == 1 && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var interval) && interval > TimeSpan.Zero)
        {
            schedule = new TimerSchedule(text, null, interval);
            error = "";
            return true;
        }
        error = $"'{text}' is neither an NCRONTAB expression (six fields: second minute hour day month day-of-week) nor a positive TimeSpan (hh:mm:ss)";
        return false;
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>.</summary>
    public DateTimeOffset Next(DateTimeOffset after)
    {
        var utc = after.UtcDateTime;
        if (_cron is not null)
        {
            return new DateTimeOffset(DateTime.SpecifyKind(_cron.GetNextOccurrence(utc), DateTimeKind.Utc));
        }
        var ticks = (utc.Ticks / _interval.Ticks + 1) * _interval.Ticks;
        return new DateTimeOffset(ticks, TimeSpan.Zero);
    }

    /// <summary>The last occurrence at or before <paramref name="atOrBefore"/> (the occurrence a timer firing now stands
    /// for), or null when there is none within five years.</summary>
    public DateTimeOffset? Latest(DateTimeOffset atOrBefore)
    {
        var utc = atOrBefore.UtcDateTime;
        if (_cron is null)
        {
            return new DateTimeOffset(utc.Ticks / _interval.Ticks * _interval.Ticks, TimeSpan.Zero);
        }
        foreach (var window in LookBack)
        {
            // GetNextOccurrences yields occurrences in (start, end): an end just past the instant includes one at it.
            var last = _cron.GetNextOccurrences(utc - window, utc.AddTicks(1)).Select(d => (DateTime?)d).LastOrDefault();
            if (last is DateTime found)
            {
                return new DateTimeOffset(DateTime.SpecifyKind(found, DateTimeKind.Utc));
            }
        }
        return null;
    }
}
