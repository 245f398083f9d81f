using System.Globalization;

namespace Pipeline.Analytics.Scheduling;

/// <summary>
/// A 6-field NCRONTAB expression (second minute hour day month day-of-week), the format of Azure Functions timer
/// triggers, so the local host's scheduler and the Functions timer read the same <c>Analytics:Schedule</c>.
/// Fields accept <c>*</c>, numbers, lists (<c>1,5</c>), ranges (<c>1-5</c>) and steps (<c>*/15</c>, <c>0-30/10</c>).
/// </summary>
public sealed class CronSchedule
{
    private readonly bool[][] _allowed;

    private CronSchedule(bool[][] allowed) => _allowed = allowed;

    private static readonly (int Min, int Max)[] Ranges = [(0, 59), (0, 59), (0, 23), (1, 31), (1, 12), (0, 6)];

    public static CronSchedule Parse(string expression) =>
        TryParse(expression, out var s) ? s! : throw new FormatException($"'{expression}' is not a 6-field NCRONTAB expression");

    public static bool TryParse(string expression, out CronSchedule? schedule)
    {
        schedule = null;
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 6) return false;
        var allowed = new bool[6][];
        for (var i = 0; i < 6; i++)
        {
            var (min, max) = Ranges[i];
            allowed[i] = new bool[max + 2];
            foreach (var part in fields[i].Split(','))
            {
                var step = 1;
                var range = part;
                var slash = part.IndexOf('/');
                if (slash >= 0)
                {
                    if (!int.TryParse(part[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1) return false;
                    range = part[..slash];
                }
                int lo, hi;
                if (range == "*")
                {
                    (lo, hi) = (min, max);
                }
                else if (range.Contains('-'))
                {
                    var bounds = range.Split('-');
                    if (bounds.Length != 2 || !int.TryParse(bounds[0], NumberStyles.None, CultureInfo.InvariantCulture, out lo)
                        || !int.TryParse(bounds[1], NumberStyles.None, CultureInfo.InvariantCulture, out hi)) return false;
                }
                else
                {
                    if (!int.TryParse(range, NumberStyles.None, CultureInfo.InvariantCulture, out lo)) return false;
                    hi = slash >= 0 ? max : lo;
                }
                if (i == 5 && hi == 7) hi = 6; // 7 is Sunday too
                if (lo < min || hi > max || lo > hi) return false;
                for (var v = lo; v <= hi; v += step) allowed[i][v] = true;
            }
        }
        schedule = new CronSchedule(allowed);
        return true;
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/> (UTC, second precision).</summary>
    public DateTime Next(DateTime after)
    {
        var t = new DateTime(after.Ticks - after.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc).AddSeconds(1);
        var limit = t.AddYears(5);
        while (t < limit)
        {
            if (!_allowed[4][t.Month]) { t = new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1); continue; }
            if (!_allowed[3][t.Day] || !_allowed[5][(int)t.DayOfWeek]) { t = t.Date.AddDays(1); continue; }
            if (!_allowed[2][t.Hour]) { t = t.Date.AddHours(t.Hour + 1); continue; }
            if (!_allowed[1][t.Minute]) { t = t.Date.AddHours(t.Hour).AddMinutes(t.Minute + 1); continue; }
            if (!_allowed[0][t.Second]) { t = t.AddSeconds(1); continue; }
            return t;
        }
        throw new InvalidOperationException("The schedule has no occurrence in the next five years");
    }
}
