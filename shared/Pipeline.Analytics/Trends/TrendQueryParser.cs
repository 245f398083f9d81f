using System.Globalization;
using Pipeline.Analytics.Planning;

namespace Pipeline.Analytics.Trends;

/// <summary>Validates the query string of <c>GET /api/trends/{metric}</c>; errors name the parameter and the reason.</summary>
public static class TrendQueryParser
{
    public static readonly IReadOnlyList<string> Metrics =
    [
        "activity", "stars", "languages", "time-to-close", "top-growing", "contributors",
        "issues-prs", "cumulative-stars", "first-response", "time-to-merge", "new-contributors",
    ];
    public static readonly IReadOnlyList<string> Measures = ["events", "stars", "repos_created", "active_repos"];
    public const int MaxCompareYears = 10;

    public static bool TryParse(string metric, Func<string, string?> parameter, DateOnly today, out TrendQuery? query, out string? error)
    {
        query = null;
        error = null;
        metric = metric.ToLowerInvariant();
        if (!Metrics.Contains(metric))
        {
            error = $"Unknown metric '{metric}'. Known metrics: {string.Join(", ", Metrics)}.";
            return false;
        }
        if (!TryDate(parameter("to"), "to", out var to, ref error) || !TryDate(parameter("from"), "from", out var from, ref error)) return false;
        var toDate = to ?? today;
        var fromDate = from ?? new DateOnly(toDate.Year, 1, 1);
        if (fromDate > toDate)
        {
            error = $"'from' ({Periods.Format(fromDate)}) is after 'to' ({Periods.Format(toDate)}).";
            return false;
        }
        if (toDate.DayNumber - fromDate.DayNumber > 366 * 5)
        {
            error = "The window from 'from' to 'to' may span at most five years.";
            return false;
        }
        var compareYears = 2;
        if (parameter("compareYears") is { Length: > 0 } cy
            && (!int.TryParse(cy, NumberStyles.None, CultureInfo.InvariantCulture, out compareYears) || compareYears > MaxCompareYears))
        {
            error = $"'compareYears' must be a whole number from 0 to {MaxCompareYears} (was '{cy}').";
            return false;
        }
        var kind = parameter("kind") is { Length: > 0 } k ? k.ToLowerInvariant() : "issue";
        if (kind is not ("issue" or "pr"))
        {
            error = $"'kind' must be 'issue' or 'pr' (was '{kind}').";
            return false;
        }
        var measure = parameter("measure") is { Length: > 0 } m ? m.ToLowerInvariant() : "events";
        if (!Measures.Contains(measure))
        {
            error = $"'measure' must be one of {string.Join(", ", Measures)} (was '{measure}').";
            return false;
        }
        var limit = 10;
        if (parameter("limit") is { Length: > 0 } l && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > 100))
        {
            error = $"'limit' must be a whole number from 1 to 100 (was '{l}').";
            return false;
        }
        query = new TrendQuery(metric, fromDate, toDate, compareYears, Blank(parameter("repo")), Blank(parameter("language")), kind, measure, limit);
        return true;
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static bool TryDate(string? value, string name, out DateOnly? date, ref string? error)
    {
        date = null;
        if (string.IsNullOrWhiteSpace(value)) return true;
        if (DateOnly.TryParseExact(value, Periods.DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            date = d;
            return true;
        }
        error = $"'{name}' must be a date as yyyy-MM-dd (was '{value}').";
        return false;
    }
}
