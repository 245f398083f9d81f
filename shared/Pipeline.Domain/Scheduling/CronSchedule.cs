namespace Pipeline.Domain.Scheduling;

/// <summary>
/// The six-field NCRONTAB expressions Azure Functions timer triggers use (<c>second minute hour day month day-of-week</c>),
/// so the local host fires its timers on the same schedule strings as the Functions app. Supports <c>*</c>, <c>*/n</c>,
/// <c>a-b</c>, <c>a-b/n</c> and lists; day-of-week 0–6 with 0 = Sunday (7 also means Sunday). Times are UTC.
/// </summary>
public sealed class CronSchedule
{
    private readonly bool[] _seconds = new bool[60];
    private readonly bool[] _minutes = new bool[60];
    private readonly bool[] _hours = new bool[24];
    private readonly bool[] _days = new bool[32];
    private readonly bool[] _months = new bool[13];
    private readonly bool[] _weekdays = new bool[7];
    private readonly bool _dayRestricted;
    private readonly bool _weekdayRestricted;

    private CronSchedule(string expression)
    {
        Expression = expression;
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 6)
        {
            throw new FormatException($"'{expression}' is not a six-field NCRONTAB expression (second minute hour day month day-of-week)");
        }
        Fill(_seconds, fields[0], 0, 59, "second");
        Fill(_minutes, fields[1], 0, 59, "minute");
        Fill(_hours, fields[2], 0, 23, "hour");
        Fill(_days, fields[3], 1, 31, "day");
        Fill(_months, fields[4], 1, 12, "month");
        var weekdays = new bool[8];
        Fill(weekdays, fields[5], 0, 7, "day-of-week");
        for (var i = 0; i < 7; i++) _weekdays[i] = weekdays[i];
        if (weekdays[7]) _weekdays[0] = true;
        _dayRestricted = fields[3] != "*";
        _weekdayRestricted = fields[5] != "*";
    }

    public string Expression { get; }

    public static CronSchedule Parse(string expression) => new(expression.Trim());

    public static bool TryParse(string? expression, out CronSchedule? schedule)
    {
        schedule = null;
        if (string.IsNullOrWhiteSpace(expression))
        {
            return false;
        }
        try
        {
            schedule = Parse(expression);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>.</summary>
    public DateTimeOffset Next(DateTimeOffset after)
    {
        var t = after.ToUniversalTime();
        t = new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second, TimeSpan.Zero).AddSeconds(1);
        var limit = t.AddYears(5);
        while (t < limit)
        {
            if (!_months[t.Month]) { t = new DateTimeOffset(t.Year, t.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1); continue; }
            if (!DayMatches(t)) { t = new DateTimeOffset(t.Year, t.Month, t.Day, 0, 0, 0, TimeSpan.Zero).AddDays(1); continue; }
            if (!_hours[t.Hour]) { t = new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, 0, 0, TimeSpan.Zero).AddHours(1); continue; }
            if (!_minutes[t.Minute]) { t = new DateTimeOffset(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, TimeSpan.Zero).AddMinutes(1); continue; }
            if (!_seconds[t.Second]) { t = t.AddSeconds(1); continue; }
            return t;
        }
        throw new InvalidOperationException($"'{Expression}' has no occurrence within five years");
    }

    private bool DayMatches(DateTimeOffset t)
    {
        var day = _days[t.Day];
        var weekday = _weekdays[(int)t.DayOfWeek];
        // Classic cron: when both fields are restricted, either may match.
        return (_dayRestricted, _weekdayRestricted) switch
        {
            (true, true) => day || weekday,
            (true, false) => day,
            (false, true) => weekday,
            _ => true,
        };
    }

    private static void Fill(bool[] target, string field, int min, int max, string name)
    {
        foreach (var part in field.Split(','))
        {
            var step = 1;
            var range = part;
            var slash = part.IndexOf('/');
            if (slash >= 0)
            {
                if (!int.TryParse(part[(slash + 1)..], out step) || step <= 0)
                {
                    throw new FormatException($"bad step in {name} field '{field}'");
                }
                range = part[..slash];
            }
            int from, to;
            if (range == "*")
            {
                (from, to) = (min, max);
            }
            else if (range.Contains('-'))
            {
                var bounds = range.Split('-');
                from = ParseValue(bounds[0], min, max, name, field);
                to = ParseValue(bounds[1], min, max, name, field);
            }
            else
            {
                from = ParseValue(range, min, max, name, field);
                to = slash >= 0 ? max : from;
            }
            if (from > to)
            {
                throw new FormatException($"empty range in {name} field '{field}'");
            }
            for (var v = from; v <= to; v += step)
            {
                target[v] = true;
            }
        }
    }

    private static int ParseValue(string text, int min, int max, string name, string field)
    {
        if (!int.TryParse(text, out var value) || value < min || value > max)
        {
            throw new FormatException($"{name} field '{field}': '{text}' is not in {min}-{max}");
        }
        return value;
    }
}
