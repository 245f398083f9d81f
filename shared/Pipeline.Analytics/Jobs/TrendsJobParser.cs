namespace Pipeline.Analytics.Jobs;

/// <summary>
/// Parses a job file: a header of <c>-- name: value</c> comment lines (continuation lines start with <c>--</c> and two
/// spaces) followed by one SQL query. Required: job, inputs, output, key, period (+ period-column unless period is none).
/// Optional: description, lookback-years (month jobs), history (<c>period</c>, the default, or <c>all</c>).
/// </summary>
internal static class TrendsJobParser
{
    public static TrendsJob Parse(string fileName, string text)
    {
        var header = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? lastKey = null;
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var bodyStart = lines.Length;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0) continue;
            if (!line.StartsWith("--", StringComparison.Ordinal))
            {
                bodyStart = i;
                break;
            }
            var content = line[2..];
            var colon = content.IndexOf(':');
            if (lines[i].TrimStart().StartsWith("--  ", StringComparison.Ordinal) && lastKey is not null)
            {
                header[lastKey] += " " + content.Trim();
            }
            else if (colon > 0)
            {
                lastKey = content[..colon].Trim();
                header[lastKey] = content[(colon + 1)..].Trim();
            }
        }
        var sql = string.Join("\n", lines[bodyStart..]).Trim().TrimEnd(';').Trim();
        string Required(string key) => header.TryGetValue(key, out var v) && v.Length > 0
            ? v
            : throw new FormatException($"Job file {fileName}: header '-- {key}:' is required");
        static IReadOnlyList<string> List(string v) =>
            v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        var name = Required("job");
        var period = Required("period").ToLowerInvariant() switch
        {
            "none" => PeriodKind.None,
            "day" => PeriodKind.Day,
            "week" => PeriodKind.Week,
            "month" => PeriodKind.Month,
            var other => throw new FormatException($"Job file {fileName}: period '{other}' is not one of none, day, week, month"),
        };
        var periodColumn = period == PeriodKind.None ? null : Required("period-column");
        var lookback = header.TryGetValue("lookback-years", out var lb) ? int.Parse(lb, System.Globalization.CultureInfo.InvariantCulture) : 0;
        if (lookback > 0 && period != PeriodKind.Month)
        {
            throw new FormatException($"Job file {fileName}: lookback-years needs period month");
        }
        var history = header.TryGetValue("history", out var h) ? h.ToLowerInvariant() : "period";
        if (history is not ("period" or "all"))
        {
            throw new FormatException($"Job file {fileName}: history '{h}' is not one of period, all");
        }
        if (history == "all" && (period == PeriodKind.None || lookback > 0))
        {
            throw new FormatException($"Job file {fileName}: history all needs a period and no lookback-years");
        }
        var key = List(Required("key"));
        if (periodColumn is not null && !key.Contains(periodColumn, StringComparer.OrdinalIgnoreCase))
        {
            throw new FormatException($"Job file {fileName}: the period column '{periodColumn}' must be part of the key");
        }
        if (sql.Length == 0)
        {
            throw new FormatException($"Job file {fileName}: no SQL after the header");
        }
        return new TrendsJob(
            name,
            header.TryGetValue("description", out var d) ? d : "",
            List(Required("inputs")),
            Required("output"),
            key,
            period,
            periodColumn,
            lookback,
            sql,
            FullHistory: history == "all");
    }
}
