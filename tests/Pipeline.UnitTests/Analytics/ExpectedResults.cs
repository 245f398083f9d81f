using System.Globalization;
using Pipeline.Analytics.Planning;
using Pipeline.Analytics.Snapshot;

namespace Pipeline.UnitTests.Analytics;

/// <summary>
/// Each SQL job's result computed independently in C# (LINQ over the same rows), as canonical row strings
/// ("column=value" sorted by column) for exact comparison with what DuckDB returns.
/// </summary>
public static class ExpectedResults
{
    public static string Canon(IEnumerable<KeyValuePair<string, object?>> row) =>
        string.Join(";", row.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + Format(kv.Value)));

    public static string Format(object? v) => v switch
    {
        null => "null",
        // 12 significant digits: the engines order the interpolation arithmetic differently in the last bit.
        double d => d.ToString("G12", CultureInfo.InvariantCulture),
        DateOnly d => Periods.Format(d),
        long or int => Convert.ToInt64(v, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        _ => Convert.ToString(v, CultureInfo.InvariantCulture)!,
    };

    private static Dictionary<string, object?> Row(params (string, object?)[] cells) => cells.ToDictionary(c => c.Item1, c => c.Item2);

    private static DateOnly Week(EventRow e) => Periods.WeekStart(e.Day);
    private static DateOnly Month(EventRow e) => Periods.MonthStart(e.Day);
    private static bool IsStar(EventRow e) => e.Type == "watch" && e.Action == "started";

    /// <summary>MAX(language) per repository over non-null languages (binary string order, as both engines use).</summary>
    private static Dictionary<string, string> RepoLanguage(IEnumerable<EventRow> rows) => rows
        .Where(r => r.Language is not null)
        .GroupBy(r => r.Repo)
        .ToDictionary(g => g.Key, g => g.Select(r => r.Language!).Aggregate((a, b) => string.CompareOrdinal(a, b) >= 0 ? a : b));

    public static IEnumerable<Dictionary<string, object?>> Compute(string job, IReadOnlyList<EventRow> rows) => job switch
    {
        "events_per_type_daily" => rows.GroupBy(r => (r.Day, r.Type)).Select(g => Row(
            ("event_day", g.Key.Day), ("type", g.Key.Type), ("events", g.LongCount()),
            ("actors", g.Where(r => r.Actor is not null).Select(r => r.Actor).Distinct().LongCount()),
            ("repos", g.Select(r => r.Repo).Distinct().LongCount()))),
        "repo_activity_weekly" => RepoWeekly(rows),
        "activity_weekly" => rows.GroupBy(Week).Select(g => Row(
            ("week_start", g.Key), ("events", g.LongCount()), ("stars", g.LongCount(IsStar)), ("forks", g.LongCount(r => r.Type == "fork")),
            ("issues_opened", g.LongCount(r => r.Type == "issues" && r.Action == "opened")),
            ("issues_closed", g.LongCount(r => r.Type == "issues" && r.Action == "closed")),
            ("prs_opened", g.LongCount(r => r.Type == "pull_request" && r.Action == "opened")),
            ("prs_merged", g.LongCount(r => r.Type == "pull_request" && r.Action == "closed" && r.Merged == true)),
            ("pushes", g.LongCount(r => r.Type == "push")),
            ("actors", g.Where(r => r.Actor is not null).Select(r => r.Actor).Distinct().LongCount()),
            ("repos", g.Select(r => r.Repo).Distinct().LongCount()))),
        "language_popularity_monthly" => Languages(rows),
        "time_to_close_monthly" => TimeToClose(rows),
        "top_growing_monthly" => TopGrowing(rows),
        "contributors_monthly" => Contributors(rows),
        "repositories" => rows.GroupBy(r => r.Repo).Select(g => Row(("repo", g.Key),
            ("language", g.Where(r => r.Language is not null).Select(r => r.Language!).Aggregate((string?)null, (a, b) => a is null || string.CompareOrdinal(b, a) > 0 ? b : a)))),
        _ => throw new ArgumentException("No expected computation for job " + job),
    };

    private static IEnumerable<Dictionary<string, object?>> RepoWeekly(IReadOnlyList<EventRow> rows)
    {
        var lang = RepoLanguage(rows);
        return rows.GroupBy(r => (r.Repo, Week: Week(r))).Select(g => Row(
            ("repo", g.Key.Repo), ("week_start", g.Key.Week), ("language", lang.GetValueOrDefault(g.Key.Repo)),
            ("events", g.LongCount()), ("stars", g.LongCount(IsStar)), ("forks", g.LongCount(r => r.Type == "fork")),
            ("issues_opened", g.LongCount(r => r.Type == "issues" && r.Action == "opened")),
            ("issues_closed", g.LongCount(r => r.Type == "issues" && r.Action == "closed")),
            ("prs_opened", g.LongCount(r => r.Type == "pull_request" && r.Action == "opened")),
            ("prs_merged", g.LongCount(r => r.Type == "pull_request" && r.Action == "closed" && r.Merged == true)),
            ("pushes", g.LongCount(r => r.Type == "push"))));
    }

    private static IEnumerable<Dictionary<string, object?>> Languages(IReadOnlyList<EventRow> rows)
    {
        var lang = RepoLanguage(rows);
        return rows.Where(r => lang.ContainsKey(r.Repo)).GroupBy(r => (Language: lang[r.Repo], Month: Month(r))).Select(g => Row(
            ("language", g.Key.Language), ("month_start", g.Key.Month),
            ("repos_created", g.Where(r => r.Type == "create" && r.RefType == "repository").Select(r => r.Repo).Distinct().LongCount()),
            ("stars", g.LongCount(IsStar)), ("events", g.LongCount()), ("active_repos", g.Select(r => r.Repo).Distinct().LongCount())));
    }

    /// <summary>Linear interpolation between closest ranks (percentile_cont), the way DuckDB evaluates it.</summary>
    public static double PercentileCont(IReadOnlyList<long> sorted, double q)
    {
        var rn = (sorted.Count - 1) * q;
        var lo = Math.Floor(rn);
        var hi = Math.Ceiling(rn);
        if (lo == hi) return sorted[(int)lo];
        double a = sorted[(int)lo], b = sorted[(int)hi];
        return a + (rn - lo) * (b - a);
    }

    private static IEnumerable<Dictionary<string, object?>> TimeToClose(IReadOnlyList<EventRow> rows)
    {
        var lang = RepoLanguage(rows);
        var closed = rows
            .Where(r => r.Action == "closed" && r.Type is "issues" or "pull_request" && r.ItemCreatedEpoch is not null && r.ItemClosedEpoch is not null
                        && r.ItemClosedEpoch >= r.ItemCreatedEpoch)
            .Select(r => (r.Repo, Language: lang.GetValueOrDefault(r.Repo), Kind: r.Type == "issues" ? "issue" : "pr", Month: Month(r),
                Seconds: r.ItemClosedEpoch!.Value - r.ItemCreatedEpoch!.Value))
            .ToList();
        Dictionary<string, object?> Stats(string scope, string name, string kind, DateOnly month, IEnumerable<long> seconds)
        {
            var sorted = seconds.Order().ToList();
            return Row(("scope", scope), ("name", name), ("kind", kind), ("month_start", month), ("closed", (long)sorted.Count),
                ("median_hours", PercentileCont(sorted, 0.5) / 3600.0), ("p85_hours", PercentileCont(sorted, 0.85) / 3600.0),
                ("p95_hours", PercentileCont(sorted, 0.95) / 3600.0));
        }
        foreach (var g in closed.GroupBy(c => (c.Repo, c.Kind, c.Month)))
            yield return Stats("repo", g.Key.Repo, g.Key.Kind, g.Key.Month, g.Select(c => c.Seconds));
        foreach (var g in closed.Where(c => c.Language is not null).GroupBy(c => (c.Language, c.Kind, c.Month)))
            yield return Stats("language", g.Key.Language!, g.Key.Kind, g.Key.Month, g.Select(c => c.Seconds));
        foreach (var g in closed.GroupBy(c => (c.Kind, c.Month)))
            yield return Stats("all", "*", g.Key.Kind, g.Key.Month, g.Select(c => c.Seconds));
    }

    private static IEnumerable<Dictionary<string, object?>> TopGrowing(IReadOnlyList<EventRow> rows)
    {
        var lang = RepoLanguage(rows);
        var monthly = rows.GroupBy(r => (r.Repo, Month: Month(r))).ToDictionary(g => g.Key, g => (
            Stars: g.LongCount(IsStar), Events: g.LongCount(), Actors: g.Where(r => r.Actor is not null).Select(r => r.Actor).Distinct().LongCount()));
        var rows2 = monthly.Select(kv =>
        {
            var ((repo, month), cur) = (kv.Key, kv.Value);
            var prev = monthly.GetValueOrDefault((repo, month.AddYears(-1)));
            return (repo, month, cur, prev, delta: cur.Stars - prev.Stars);
        }).ToList();
        foreach (var byMonth in rows2.GroupBy(r => r.month))
        {
            var rank = 0L;
            foreach (var r in byMonth.OrderByDescending(r => r.delta).ThenBy(r => r.repo, StringComparer.Ordinal))
            {
                yield return Row(("repo", r.repo), ("month_start", r.month), ("language", lang.GetValueOrDefault(r.repo)),
                    ("stars", r.cur.Stars), ("events", r.cur.Events), ("actors", r.cur.Actors),
                    ("stars_prev_year", r.prev.Stars), ("events_prev_year", r.prev.Events), ("actors_prev_year", r.prev.Actors),
                    ("star_delta", r.delta), ("star_delta_rank", ++rank));
            }
        }
    }

    private static IEnumerable<Dictionary<string, object?>> Contributors(IReadOnlyList<EventRow> rows)
    {
        static bool Contributes(EventRow r) => r.Type == "push" || (r.Type == "pull_request" && r.Action == "opened") || r.Type == "pull_request_review"
                                              || (r.Type == "issues" && r.Action == "opened") || r.Type == "issue_comment";
        var active = rows.Where(r => r.Actor is not null).ToList();
        foreach (var g in active.GroupBy(r => (r.Repo, Month: Month(r))))
            yield return Row(("scope", "repo"), ("name", g.Key.Repo), ("month_start", g.Key.Month),
                ("contributors", g.Where(Contributes).Select(r => r.Actor).Distinct().LongCount()), ("active_actors", g.Select(r => r.Actor).Distinct().LongCount()));
        foreach (var g in active.GroupBy(Month))
            yield return Row(("scope", "all"), ("name", "*"), ("month_start", g.Key),
                ("contributors", g.Where(Contributes).Select(r => r.Actor).Distinct().LongCount()), ("active_actors", g.Select(r => r.Actor).Distinct().LongCount()));
    }
}
