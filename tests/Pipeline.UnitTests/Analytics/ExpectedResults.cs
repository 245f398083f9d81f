using System.Globalization;
using Pipeline.Analytics.Planning;
using Pipeline.Analytics.Snapshot;

namespace Pipeline.UnitTests.Analytics;

/// <summary>
/// Each SQL job's result computed independently in C# (LINQ over the same rows and repositories table), as canonical
/// row strings ("column=value" sorted by column) for exact comparison with what DuckDB returns. The rules it encodes:
/// counts are of distinct activity keys; repositories are grouped by repo_key and shown by display name; a repository's
/// language is the repositories table's, else the largest one its events name, else 'unknown'; logins are case-insensitive.
/// </summary>
internal static class ExpectedResults
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
    private static bool IsStar(EventRow e) => (e.Type == "watch" && e.Action == "started") || (e.Type == "star" && e.Action == "created");
    private static string? Login(EventRow e) => e.Actor?.ToLowerInvariant();

    private static long Keys(IEnumerable<EventRow> rows, Func<EventRow, bool>? where = null) =>
        rows.Where(where ?? (_ => true)).Select(r => r.ActivityKey).Distinct(StringComparer.Ordinal).LongCount();

    private static long Actors(IEnumerable<EventRow> rows) => rows.Select(Login).OfType<string>().Distinct(StringComparer.Ordinal).LongCount();

    private static string? MaxOrdinal(IEnumerable<string?> values) =>
        values.OfType<string>().Aggregate((string?)null, (a, b) => a is null || string.CompareOrdinal(b, a) > 0 ? b : a);

    private sealed record Repo(string Display, string Language);

    /// <summary>Per repo_key: the display name and language the jobs' repo_language CTE computes.</summary>
    private static Dictionary<string, Repo> Repos(IEnumerable<EventRow> rows, IReadOnlyList<(string RepoKey, string Repo, string? Language)> table)
    {
        var byKey = table.ToDictionary(t => t.RepoKey, StringComparer.Ordinal);
        return rows.GroupBy(r => r.RepoKey, StringComparer.Ordinal).ToDictionary(g => g.Key, g =>
        {
            byKey.TryGetValue(g.Key, out var t);
            return new Repo(t.Repo ?? MaxOrdinal(g.Select(r => r.Repo))!, t.Language ?? MaxOrdinal(g.Select(r => r.Language)) ?? "unknown");
        }, StringComparer.Ordinal);
    }

    public static IEnumerable<Dictionary<string, object?>> Compute(string job, IReadOnlyList<EventRow> rows,
        IReadOnlyList<(string RepoKey, string Repo, string? Language)> repositories)
    {
        var repos = Repos(rows, repositories);
        return job switch
        {
            "events_per_type_daily" => rows.GroupBy(r => (r.Day, r.Type)).Select(g => Row(
                ("event_day", g.Key.Day), ("type", g.Key.Type), ("events", Keys(g)), ("actors", Actors(g)),
                ("repos", g.Select(r => r.RepoKey).Distinct().LongCount()))),
            "repo_activity_weekly" => rows.GroupBy(r => (r.RepoKey, Week: Week(r))).Select(g => Row(
                [("repo", repos[g.Key.RepoKey].Display), ("week_start", g.Key.Week), ("language", repos[g.Key.RepoKey].Language), .. Weekly(g, withActors: false)])),
            "activity_weekly" => rows.GroupBy(Week).Select(g => Row(
                [("week_start", g.Key), .. Weekly(g, withActors: true)])),
            "language_popularity_monthly" => rows.GroupBy(r => (repos[r.RepoKey].Language, Month: Month(r))).Select(g => Row(
                ("language", g.Key.Language), ("month_start", g.Key.Month),
                ("repos_created", g.Where(r => r.Type == "create" && r.RefType == "repository").Select(r => r.RepoKey).Distinct().LongCount()),
                ("stars", Keys(g, IsStar)), ("events", Keys(g)), ("active_repos", g.Select(r => r.RepoKey).Distinct().LongCount()))),
            "time_to_close_monthly" => TimeToClose(rows, repos),
            "first_response_monthly" => FirstResponse(rows, repos),
            "top_growing_monthly" => TopGrowing(rows, repos),
            "contributors_monthly" => Contributors(rows, repos),
            "repositories" => repos.Values.Select(r => Row(("repo", r.Display), ("language", r.Language))),
            _ => throw new ArgumentException("No expected computation for job " + job),
        };
    }

    private static (string, object?)[] Weekly(IEnumerable<EventRow> g, bool withActors)
    {
        var list = g.ToList();
        var cells = new List<(string, object?)>
        {
            ("events", Keys(list)), ("stars", Keys(list, IsStar)), ("forks", Keys(list, r => r.Type == "fork")),
            ("issues_opened", Keys(list, r => r.Type == "issues" && r.Action == "opened")),
            ("issues_closed", Keys(list, r => r.Type == "issues" && r.Action == "closed")),
            ("prs_opened", Keys(list, r => r.Type == "pull_request" && r.Action == "opened")),
            ("prs_closed", Keys(list, r => r.Type == "pull_request" && r.Action == "closed")),
            ("prs_merged", Keys(list, r => r.Type == "pull_request" && r.Action == "closed" && r.Merged == true)),
            ("prs_closed_unmerged", Keys(list, r => r.Type == "pull_request" && r.Action == "closed" && r.Merged != true)),
            ("pushes", Keys(list, r => r.Type == "push")),
        };
        if (withActors)
        {
            cells.Add(("actors", Actors(list)));
            cells.Add(("repos", list.Select(r => r.RepoKey).Distinct().LongCount()));
        }
        return [.. cells];
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

    private static IEnumerable<Dictionary<string, object?>> TimeToClose(IReadOnlyList<EventRow> rows, Dictionary<string, Repo> repos)
    {
        var closings = rows
            .Where(r => r.Action == "closed" && r.Type is "issues" or "pull_request" && r.ItemCreatedEpoch is not null && r.ItemClosedEpoch is not null
                        && r.ItemClosedEpoch >= r.ItemCreatedEpoch)
            .GroupBy(r => r.ActivityKey, StringComparer.Ordinal)
            .Select(g => (RepoKey: MaxOrdinal(g.Select(r => r.RepoKey))!, Type: MaxOrdinal(g.Select(r => r.Type))!, Merged: g.Any(r => r.Merged == true),
                Month: g.Min(Month), Seconds: g.Max(r => r.ItemClosedEpoch!.Value - r.ItemCreatedEpoch!.Value)))
            .ToList();
        var closed = closings.Select(c => (Repo: repos[c.RepoKey], Kind: c.Type == "issues" ? "issue" : "pr", c.Month, c.Seconds))
            .Concat(closings.Where(c => c.Type == "pull_request").Select(c => (Repo: repos[c.RepoKey], Kind: c.Merged ? "pr_merged" : "pr_unmerged", c.Month, c.Seconds)))
            .ToList();
        Dictionary<string, object?> Stats(string scope, string name, string kind, DateOnly month, IEnumerable<long> seconds)
        {
            var sorted = seconds.Order().ToList();
            return Row(("scope", scope), ("name", name), ("kind", kind), ("month_start", month), ("closed", (long)sorted.Count),
                ("median_hours", PercentileCont(sorted, 0.5) / 3600.0), ("p85_hours", PercentileCont(sorted, 0.85) / 3600.0),
                ("p95_hours", PercentileCont(sorted, 0.95) / 3600.0));
        }
        foreach (var g in closed.GroupBy(c => (c.Repo.Display, c.Kind, c.Month)))
            yield return Stats("repo", g.Key.Display, g.Key.Kind, g.Key.Month, g.Select(c => c.Seconds));
        foreach (var g in closed.GroupBy(c => (c.Repo.Language, c.Kind, c.Month)))
            yield return Stats("language", g.Key.Language, g.Key.Kind, g.Key.Month, g.Select(c => c.Seconds));
        foreach (var g in closed.GroupBy(c => (c.Kind, c.Month)))
            yield return Stats("all", "*", g.Key.Kind, g.Key.Month, g.Select(c => c.Seconds));
    }

    private static IEnumerable<Dictionary<string, object?>> FirstResponse(IReadOnlyList<EventRow> rows, Dictionary<string, Repo> repos)
    {
        var firsts = rows
            .Where(r => r.Type == "issue_comment" && r.Action == "created" && r.ItemKind == "issue" && r.Number is not null && r.ItemCreatedEpoch is not null
                        && r.Actor is not null && (r.ItemAuthor is null || !string.Equals(r.Actor, r.ItemAuthor, StringComparison.OrdinalIgnoreCase)))
            .GroupBy(r => (r.RepoKey, r.Number))
            .Select(g => (Repo: repos[g.Key.RepoKey], Opened: g.Min(r => r.ItemCreatedEpoch!.Value), First: g.Min(r => r.CreatedEpoch), FirstAt: g.Min(r => r.CreatedAt)))
            .Where(f => f.First >= f.Opened)
            .Select(f => (f.Repo, Month: Periods.MonthStart(DateOnly.FromDateTime(f.FirstAt)), Seconds: f.First - f.Opened))
            .ToList();
        Dictionary<string, object?> Stats(string scope, string name, DateOnly month, IEnumerable<long> seconds)
        {
            var sorted = seconds.Order().ToList();
            return Row(("scope", scope), ("name", name), ("month_start", month), ("issues", (long)sorted.Count),
                ("p50_hours", PercentileCont(sorted, 0.5) / 3600.0), ("p85_hours", PercentileCont(sorted, 0.85) / 3600.0));
        }
        foreach (var g in firsts.GroupBy(f => (f.Repo.Display, f.Month))) yield return Stats("repo", g.Key.Display, g.Key.Month, g.Select(f => f.Seconds));
        foreach (var g in firsts.GroupBy(f => (f.Repo.Language, f.Month))) yield return Stats("language", g.Key.Language, g.Key.Month, g.Select(f => f.Seconds));
        foreach (var g in firsts.GroupBy(f => f.Month)) yield return Stats("all", "*", g.Key, g.Select(f => f.Seconds));
    }

    private static IEnumerable<Dictionary<string, object?>> TopGrowing(IReadOnlyList<EventRow> rows, Dictionary<string, Repo> repos)
    {
        var monthly = rows.GroupBy(r => (r.RepoKey, Month: Month(r))).ToDictionary(g => g.Key, g => (Stars: Keys(g, IsStar), Events: Keys(g), Actors: Actors(g)));
        var rows2 = monthly.Select(kv =>
        {
            var ((key, month), cur) = (kv.Key, kv.Value);
            var prev = monthly.GetValueOrDefault((key, month.AddYears(-1)));
            return (repo: repos[key], month, cur, prev, delta: cur.Stars - prev.Stars);
        }).ToList();
        foreach (var byMonth in rows2.GroupBy(r => r.month))
        {
            var rank = 0L;
            foreach (var r in byMonth.OrderByDescending(r => r.delta).ThenBy(r => r.repo.Display, StringComparer.Ordinal))
            {
                yield return Row(("repo", r.repo.Display), ("month_start", r.month), ("language", r.repo.Language),
                    ("stars", r.cur.Stars), ("events", r.cur.Events), ("actors", r.cur.Actors),
                    ("stars_prev_year", r.prev.Stars), ("events_prev_year", r.prev.Events), ("actors_prev_year", r.prev.Actors),
                    ("star_delta", r.delta), ("star_delta_rank", ++rank));
            }
        }
    }

    private static IEnumerable<Dictionary<string, object?>> Contributors(IReadOnlyList<EventRow> rows, Dictionary<string, Repo> repos)
    {
        static bool Contributes(EventRow r) => r.Type == "push" || (r.Type == "pull_request" && r.Action == "opened") || r.Type == "pull_request_review"
                                              || (r.Type == "issues" && r.Action == "opened") || r.Type == "issue_comment";
        var active = rows.Where(r => r.Actor is not null).ToList();
        var firstInRepo = active.Where(Contributes).GroupBy(r => (r.RepoKey, Login: Login(r)!)).ToDictionary(g => g.Key, g => g.Min(Month));
        var firstAnywhere = active.Where(Contributes).GroupBy(r => Login(r)!).ToDictionary(g => g.Key, g => g.Min(Month));
        foreach (var g in active.GroupBy(r => (repos[r.RepoKey].Display, Month: Month(r))))
        {
            var contributing = g.Where(Contributes).ToList();
            yield return Row(("scope", "repo"), ("name", g.Key.Display), ("month_start", g.Key.Month),
                ("contributors", Actors(contributing)), ("active_actors", Actors(g)),
                ("new_contributors", contributing.Where(r => firstInRepo[(r.RepoKey, Login(r)!)] == g.Key.Month).Select(Login).Distinct().LongCount()),
                ("returning_contributors", contributing.Where(r => firstInRepo[(r.RepoKey, Login(r)!)] < g.Key.Month).Select(Login).Distinct().LongCount()));
        }
        foreach (var g in active.GroupBy(Month))
        {
            var contributing = g.Where(Contributes).ToList();
            yield return Row(("scope", "all"), ("name", "*"), ("month_start", g.Key),
                ("contributors", Actors(contributing)), ("active_actors", Actors(g)),
                ("new_contributors", contributing.Where(r => firstAnywhere[Login(r)!] == g.Key).Select(Login).Distinct().LongCount()),
                ("returning_contributors", contributing.Where(r => firstAnywhere[Login(r)!] < g.Key).Select(Login).Distinct().LongCount()));
        }
    }
}
