using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Analytics.Planning;
using Pipeline.Domain.Json;
using Pipeline.Storage;

namespace Pipeline.Analytics.Trends;

/// <summary>
/// Serves trend series. The HTTP routes read <see cref="QueryJsonAsync"/>: the serialised response precomputed at
/// aggregation time (<see cref="PrecomputeAsync"/>) and kept in the indexed results table <c>trends_responses</c>, one
/// primary-key lookup per request (key: results generation, today, canonical query). A query nobody precomputed is
/// computed once from the <c>trends_*</c> collections (each series one indexed range query, years fetched in parallel and
/// aligned by week or month index so they overlay), stored under the same key, and read from the table afterwards.
/// Each aggregation run starts a new generation, so rows never serve results older than the last run.
/// The routes serve the current generation's rows from memory (<see cref="ServeFromMemory"/>): all of them are loaded
/// in one read when the generation (or the day) changes, a generation's rows never change afterwards, and a background
/// check every <see cref="GenerationRefresh"/> notices a new generation, so a request costs no store round trip.
/// Responses computed on demand are also kept in memory for <see cref="CacheDuration"/>.
/// </summary>
public sealed class TrendsQueryService(IDocumentStore store, TimeProvider? clock = null, ILogger<TrendsQueryService>? logger = null)
{
    private static readonly string[] MonthNames = CultureInfo.InvariantCulture.DateTimeFormat.AbbreviatedMonthNames;
    private const string GenerationId = "~generation";
    private const string NoGeneration = "none";
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, Task<object> Value)> _cache = new();
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private (DateTimeOffset At, string Value)? _generation;

    /// <summary>How long a response is reused from memory. Zero disables the memory cache (tests; the results table
    /// is still read).</summary>
    public TimeSpan CacheDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long this process trusts the results generation it read last before reading it again.</summary>
    public TimeSpan GenerationRefresh { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Serve the current generation's precomputed responses from memory (false: every request not answered by
    /// the <see cref="CacheDuration"/> cache reads its row from the results table, as before; for comparison).</summary>
    public bool ServeFromMemory { get; init; } = true;

    /// <summary>At most this many responses of one generation are held in memory (the precomputed ones and queries
    /// computed on demand); more are served through the results table.</summary>
    public const int MaxServedResponses = 5000;

    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;
    private volatile ServedGeneration? _served;
    private readonly Lock _servedLock = new();
    private Task<ServedGeneration>? _servedLoad;
    private int _refreshing;

    /// <summary>The responses of one results generation for one day, as served from memory.</summary>
    private sealed class ServedGeneration(string generation, DateOnly day, DateTimeOffset checkedAt, ConcurrentDictionary<string, TrendsServedResponse> responses)
    {
        public string Generation { get; } = generation;
        public DateOnly Day { get; } = day;
        public ConcurrentDictionary<string, TrendsServedResponse> Responses { get; } = responses;
        private long _checkedAtTicks = checkedAt.UtcTicks;

        /// <summary>When the store last confirmed this is the current generation.</summary>
        public DateTimeOffset CheckedAt
        {
            get => new(Interlocked.Read(ref _checkedAtTicks), TimeSpan.Zero);
            set => Interlocked.Exchange(ref _checkedAtTicks, value.UtcTicks);
        }
    }

    public DateOnly Today => DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime);

    /// <summary>The response computed from the trends collections (no results table).</summary>
    internal Task<TrendResponse> QueryAsync(TrendQuery q, CancellationToken ct = default) =>
        Cached("q:" + Key(q), () => ComputeAsync(q, ct));

    private Task<TrendResponse> ComputeAsync(TrendQuery q, CancellationToken ct) => q.Metric switch
    {
        "activity" => WeeklyAsync(q, "events", ct),
        "stars" => WeeklyAsync(q, "stars", ct),
        "languages" => LanguagesAsync(q, ct),
        "time-to-close" => TimeToCloseAsync(q, ct),
        "top-growing" => TopGrowingAsync(q, ct),
        "contributors" => ContributorsAsync(q, ct),
        "issues-prs" => OpenedClosedAsync(q, ct),
        "cumulative-stars" => CumulativeStarsAsync(q, ct),
        "first-response" => FirstResponseAsync(q, ct),
        "time-to-merge" => TimeToMergeAsync(q, ct),
        "new-contributors" => NewContributorsAsync(q, ct),
        _ => throw new ArgumentException("Unknown metric " + q.Metric),
    };

    internal Task<TrendDimensions> DimensionsAsync(CancellationToken ct = default) => Cached("dimensions", () => ComputeDimensionsAsync(ct));

    private async Task<TrendDimensions> ComputeDimensionsAsync(CancellationToken ct)
    {
        var docs = await store.FindAsync(AnalyticsCollections.Repositories, DocumentQuery.All.OrderBy("repo").Take(5000), ct);
        var repos = docs.Select(d => new RepositoryDimension(Str(d, "repo") ?? "", Str(d, "language"))).Where(r => r.Repo.Length > 0).ToList();
        var languages = repos.Select(r => r.Language).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
        return new TrendDimensions(repos, languages, TrendQueryParser.Metrics);
    }

    // ---- results table ----------------------------------------------------------------------------------------------

    /// <summary>The response as UTF-8 JSON (<see cref="PipelineJson.Options"/>, exactly what serialising
    /// <see cref="QueryAsync"/>'s result gives), from the results table.</summary>
    public async Task<byte[]> QueryJsonAsync(TrendQuery q, CancellationToken ct = default) => (await QueryServedAsync(q, ct)).Json;

    /// <summary>The dimensions as UTF-8 JSON, from the results table.</summary>
    public async Task<byte[]> DimensionsJsonAsync(CancellationToken ct = default) => (await DimensionsServedAsync(ct)).Json;

    /// <summary>The response as the routes send it (JSON, ETag, gzip form): the current generation's row, from memory.</summary>
    public ValueTask<TrendsServedResponse> QueryServedAsync(TrendQuery q, CancellationToken ct = default)
    {
        var query = "q:" + Key(q);
        return ServedAsync(query, async () => await ComputeAsync(q, ct), ct);
    }

    /// <summary>The dimensions as the routes send them, from memory.</summary>
    public ValueTask<TrendsServedResponse> DimensionsServedAsync(CancellationToken ct = default) =>
        ServedAsync("dimensions", async () => await ComputeDimensionsAsync(ct), ct);

    private ValueTask<TrendsServedResponse> ServedAsync(string query, Func<Task<object>> compute, CancellationToken ct)
    {
        if (!ServeFromMemory)
        {
            return new(TableServedAsync(query, compute, ct));
        }
        // The fast path: the current generation is in memory and holds the query; no await, no allocation but the key.
        if (_served is { } served && served.Day == Today && served.Responses.TryGetValue(query, out var hit))
        {
            RefreshInBackgroundIfDue(served);
            return new(hit);
        }
        return new(ServedSlowAsync(query, compute, ct));
    }

    private async Task<TrendsServedResponse> TableServedAsync(string query, Func<Task<object>> compute, CancellationToken ct) =>
        new(await Cached("json:" + query, async () => await FromTableAsync(await GenerationAsync(ct), query, compute, ct)));

    private async Task<TrendsServedResponse> ServedSlowAsync(string query, Func<Task<object>> compute, CancellationToken ct)
    {
        var served = await CurrentServedAsync();
        if (served.Responses.TryGetValue(query, out var hit)) return hit;
        // Not precomputed (a repository or language filter, another window): computed once and stored in the results
        // table under this generation (FromTableAsync), then served from memory like the precomputed ones.
        var bytes = await Cached("json:" + served.Generation + "|" + query, async () => await FromTableAsync(served.Generation, query, compute, ct));
        var response = new TrendsServedResponse(bytes);
        if (served.Responses.Count < MaxServedResponses) response = served.Responses.GetOrAdd(query, response);
        return response;
    }

    /// <summary>The generation served from memory: loaded (one read of all its rows) on first use and on a new day;
    /// callers arriving meanwhile share the load.</summary>
    private Task<ServedGeneration> CurrentServedAsync()
    {
        if (_served is { } served && served.Day == Today)
        {
            RefreshInBackgroundIfDue(served);
            return Task.FromResult(served);
        }
        lock (_servedLock)
        {
            if (_servedLoad is { IsCompleted: false } loading) return loading;
            // Shared by every caller waiting for it: one caller's cancellation must not fail the others.
            return _servedLoad = LoadServedAsync(CancellationToken.None);
        }
    }

    private async Task<ServedGeneration> LoadServedAsync(CancellationToken ct)
    {
        var generation = await GenerationAsync(ct, force: true);
        var loaded = await LoadGenerationAsync(generation, Today, ct);
        _served = loaded;
        return loaded;
    }

    private async Task<ServedGeneration> LoadGenerationAsync(string generation, DateOnly day, CancellationToken ct)
    {
        var checkedAt = _clock.GetUtcNow();
        var rows = await store.FindAsync(AnalyticsCollections.TrendResponses, DocumentQuery.Where(
            new FieldFilter("generation", FilterOp.Eq, JsonValue.Create(generation)),
            new FieldFilter("day", FilterOp.Eq, JsonValue.Create(Periods.Format(day)))).Take(MaxServedResponses), ct);
        var responses = new ConcurrentDictionary<string, TrendsServedResponse>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (Str(row, "query") is { } query && row["json"] is JsonValue stored && stored.TryGetValue<string>(out var json))
            {
                responses[query] = new TrendsServedResponse(Encoding.UTF8.GetBytes(json));
            }
        }
        return new ServedGeneration(generation, day, checkedAt, responses);
    }

    /// <summary>Every <see cref="GenerationRefresh"/> one request starts a check of the current generation (another
    /// instance's aggregation run may have made a new one); requests keep being served meanwhile. A failed check keeps
    /// the generation in memory and is retried on a later request.</summary>
    private void RefreshInBackgroundIfDue(ServedGeneration served)
    {
        if (_clock.GetUtcNow() - served.CheckedAt < GenerationRefresh || Interlocked.CompareExchange(ref _refreshing, 1, 0) != 0) return;
        _ = Task.Run(async () =>
        {
            try
            {
                var checkedAt = _clock.GetUtcNow();
                var generation = await GenerationAsync(CancellationToken.None, force: true);
                if (generation == served.Generation) served.CheckedAt = checkedAt;
                else if (_served == served) _served = await LoadGenerationAsync(generation, served.Day, CancellationToken.None);
            }
            catch (Exception e)
            {
                TrendsQueryServiceLog.GenerationCheckFailed(_logger, e);
            }
            finally
            {
                Volatile.Write(ref _refreshing, 0);
            }
        });
    }

    private async Task<byte[]> FromTableAsync(string generation, string query, Func<Task<object>> compute, CancellationToken ct)
    {
        var id = RowId(generation, Today, query);
        if (await store.GetAsync(AnalyticsCollections.TrendResponses, id, ct) is { } row && row["json"] is JsonValue stored && stored.TryGetValue<string>(out var json))
        {
            return Encoding.UTF8.GetBytes(json);
        }
        var bytes = Serialize(await compute());
        await store.UpsertAsync(AnalyticsCollections.TrendResponses, id, Row(generation, query, bytes), ct);
        return bytes;
    }

    private static byte[] Serialize(object response) => JsonSerializer.SerializeToUtf8Bytes(response, response.GetType(), PipelineJson.Options);

    private JsonObject Row(string generation, string query, byte[] json) => new()
    {
        ["generation"] = generation,
        ["day"] = Periods.Format(Today),
        ["query"] = query,
        ["json"] = Encoding.UTF8.GetString(json),
        ["computed_at"] = _clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
    };

    /// <summary>The canonical, culture-independent form of a query (part of the row id).</summary>
    public static string Key(TrendQuery q) => string.Join('|', q.Metric, Periods.Format(q.From), Periods.Format(q.To),
        q.CompareYears.ToString(CultureInfo.InvariantCulture), q.Repo, q.Language, q.Kind, q.Measure, q.Limit.ToString(CultureInfo.InvariantCulture));

    private static string RowId(string generation, DateOnly today, string query) => $"{generation}|{Periods.Format(today)}|{query}";

    private async Task<string> GenerationAsync(CancellationToken ct, bool force = false)
    {
        var now = _clock.GetUtcNow();
        if (!force && _generation is { } known && now - known.At < GenerationRefresh) return known.Value;
        var doc = await store.GetAsync(AnalyticsCollections.TrendResponses, GenerationId, ct);
        var value = doc is not null && Str(doc, "generation") is { Length: > 0 } g ? g : NoGeneration;
        _generation = (now, value);
        return value;
    }

    /// <summary>
    /// Called when an aggregation run has written its results: computes what the dashboard asks for first (every metric
    /// for each of its periods, the kind and measure variants, the dimensions) into the results table under a new
    /// <paramref name="generation"/>, then makes that generation current and deletes the rows of earlier ones.
    /// Returns the number of responses precomputed.
    /// </summary>
    public async Task<int> PrecomputeAsync(string generation, CancellationToken ct = default)
    {
        var today = Today;
        var queries = DashboardQueries(today).ToList();
        var rows = new List<KeyValuePair<string, JsonObject>>(queries.Count + 1);
        var responses = new ConcurrentDictionary<string, TrendsServedResponse>(StringComparer.Ordinal);
        foreach (var q in queries)
        {
            var query = "q:" + Key(q);
            var json = Serialize(await ComputeAsync(q, ct));
            rows.Add(new(RowId(generation, today, query), Row(generation, query, json)));
            responses[query] = new TrendsServedResponse(json);
        }
        var dimensions = Serialize(await ComputeDimensionsAsync(ct));
        rows.Add(new(RowId(generation, today, "dimensions"), Row(generation, "dimensions", dimensions)));
        responses["dimensions"] = new TrendsServedResponse(dimensions);
        await store.UpsertManyAsync(AnalyticsCollections.TrendResponses, rows, ct);
        await store.UpsertAsync(AnalyticsCollections.TrendResponses, GenerationId, new JsonObject
        {
            ["generation"] = generation,
            ["day"] = Periods.Format(today),
            ["query"] = GenerationId,
        }, ct);
        _generation = (_clock.GetUtcNow(), generation);
        // This process serves the new generation at once, from the bytes it just stored (no reload).
        _served = new ServedGeneration(generation, today, _clock.GetUtcNow(), responses);
        _cache.Clear();
        await store.DeleteManyAsync(AnalyticsCollections.TrendResponses,
            DocumentQuery.Where(new FieldFilter("generation", FilterOp.Ne, JsonValue.Create(generation))), ct);
        return rows.Count;
    }

    /// <summary>The queries the dashboard sends without a repository or language filter: each period of its selector
    /// (this year to date, last 12 months, last 90 days, last calendar year) with two earlier years, every metric, and
    /// the kind and measure variants for this year to date.</summary>
    public static IEnumerable<TrendQuery> DashboardQueries(DateOnly today)
    {
        var windows = new[]
        {
            (new DateOnly(today.Year, 1, 1), today),
            (today.AddYears(-1).AddDays(1), today),
            (today.AddDays(-89), today),
            (new DateOnly(today.Year - 1, 1, 1), new DateOnly(today.Year - 1, 12, 31)),
        };
        var seen = new HashSet<TrendQuery>();
        foreach (var (from, to) in windows)
        {
            foreach (var metric in TrendQueryParser.Metrics)
            {
                var variants = new List<Dictionary<string, string>> { new() };
                if (from == new DateOnly(today.Year, 1, 1))
                {
                    if (metric is "time-to-close" or "issues-prs") variants.Add(new() { ["kind"] = "pr" });
                    if (metric == "languages") variants.AddRange(TrendQueryParser.Measures.Skip(1).Select(m => new Dictionary<string, string> { ["measure"] = m }));
                }
                foreach (var extra in variants)
                {
                    extra["from"] = Periods.Format(from);
                    extra["to"] = Periods.Format(to);
                    extra["compareYears"] = "2";
                    if (TrendQueryParser.TryParse(metric, name => extra.GetValueOrDefault(name), today, out var q, out _) && seen.Add(q!)) yield return q!;
                }
            }
        }
    }

    /// <summary>Single flight per key: within <see cref="CacheDuration"/> every caller shares one computation (50 clients
    /// arriving on an expired entry cause one store round trip, not 50). A failed computation is not cached.</summary>
    private async Task<T> Cached<T>(string key, Func<Task<T>> compute) where T : class
    {
        if (CacheDuration <= TimeSpan.Zero) return await compute();
        var now = _clock.GetUtcNow();
        if (_cache.TryGetValue(key, out var hit) && Fresh(hit, now)) return (T)await hit.Value;
        if (_cache.Count > 1000) _cache.Clear();
        var flight = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        var entry = (now, flight.Task);
        var current = _cache.AddOrUpdate(key, entry, (_, old) => Fresh(old, now) ? old : entry);
        if (current.Value != flight.Task) return (T)await current.Value;
        try
        {
            var value = await compute();
            flight.SetResult(value);
            return value;
        }
        catch (Exception e)
        {
            _cache.TryRemove(KeyValuePair.Create(key, current));
            flight.SetException(e);
            _ = flight.Task.Exception; // observed here; waiters rethrow it
            throw;
        }
    }

    private bool Fresh((DateTimeOffset At, Task<object> Value) entry, DateTimeOffset now) =>
        now - entry.At < CacheDuration && !entry.Value.IsFaulted && !entry.Value.IsCanceled;

    /// <summary>The window shifted back by whole years (29 February falls back to the 28th).</summary>
    private static (DateOnly From, DateOnly To) Shift(TrendQuery q, int yearsBack) => (q.From.AddYears(-yearsBack), q.To.AddYears(-yearsBack));

    private static Dictionary<string, string?> Filters(TrendQuery q) => new()
    {
        ["repo"] = q.Repo,
        ["language"] = q.Language,
        ["kind"] = q.Metric is "time-to-close" or "issues-prs" ? q.Kind : null,
        ["measure"] = q.Metric == "languages" ? q.Measure : null,
    };

    private static FieldFilter Eq(string path, string value) => new(path, FilterOp.Eq, JsonValue.Create(value));
    private static FieldFilter Range(string path, FilterOp op, DateOnly d) => new(path, op, JsonValue.Create(Periods.Format(d)));

    private async Task<IReadOnlyList<TrendSeries>> ForEachYear(TrendQuery q, Func<int, DateOnly, DateOnly, Task<IEnumerable<TrendSeries>>> one)
    {
        var tasks = Enumerable.Range(0, q.CompareYears + 1).Select(k =>
        {
            var (from, to) = Shift(q, k);
            return one(k, from, to);
        }).ToList();
        var results = await Task.WhenAll(tasks);
        return results.SelectMany(s => s).ToList();
    }

    // ---- weekly: activity and stars -------------------------------------------------------------------------------

    private static readonly string[] WeeklyValues =
        ["events", "stars", "forks", "issues_opened", "issues_closed", "prs_opened", "prs_closed", "prs_merged", "prs_closed_unmerged", "pushes"];

    private Task<TrendResponse> WeeklyAsync(TrendQuery q, string measure, CancellationToken ct) => WeeklyAsync(q, measure, null, ct);

    /// <summary>Weekly series; <paramref name="reshape"/> may replace a year's points (values keyed camelCase).</summary>
    private async Task<TrendResponse> WeeklyAsync(TrendQuery q, string measure, Func<List<TrendPoint>, List<TrendPoint>>? reshape, CancellationToken ct)
    {
        var today = Today;
        var series = await ForEachYear(q, async (k, from, to) =>
        {
            var weekFrom = Periods.WeekStart(from);
            IReadOnlyList<JsonObject> docs;
            if (q.Repo is null && q.Language is null)
            {
                docs = await store.FindAsync(AnalyticsCollections.ActivityWeekly, DocumentQuery.Where(
                    Range("week_start", FilterOp.Gte, weekFrom), Range("week_start", FilterOp.Lte, to)), ct);
            }
            else
            {
                var filters = new List<FieldFilter> { Range("week_start", FilterOp.Gte, weekFrom), Range("week_start", FilterOp.Lte, to) };
                if (q.Repo is not null) filters.Insert(0, Eq("repo", q.Repo));
                if (q.Language is not null) filters.Insert(0, Eq("language", q.Language));
                docs = await store.FindAsync(AnalyticsCollections.RepoWeekly, new DocumentQuery { Filters = filters }, ct);
            }
            var byWeek = docs.GroupBy(d => Str(d, "week_start")!).ToDictionary(g => g.Key, g => WeeklyValues.ToDictionary(v => v, v => g.Sum(d => Num(d, v))));
            var points = new List<TrendPoint>();
            for (var (week, i) = (weekFrom, 0); week <= to; week = week.AddDays(7), i++)
            {
                var values = byWeek.GetValueOrDefault(Periods.Format(week)) ?? WeeklyValues.ToDictionary(v => v, _ => 0.0);
                points.Add(new TrendPoint(i, "W" + Periods.IsoWeek(week).ToString("00", CultureInfo.InvariantCulture), Periods.Format(week), values[measure], values,
                    PointStatus.Of(week, week.AddDays(7), today)));
            }
            if (reshape is not null) points = reshape(points);
            return [new TrendSeries(SeriesName(q, from, to), from.Year, k, Periods.Format(from), Periods.Format(to), points.Sum(p => p.Value), points)];
        });
        return new TrendResponse(q.Metric, "week", Periods.Format(q.From), Periods.Format(q.To), q.CompareYears, Filters(q), series);
    }

    private static string SeriesName(TrendQuery q, DateOnly from, DateOnly to) =>
        from.Year == to.Year ? from.Year.ToString(CultureInfo.InvariantCulture) : $"{from.Year}–{to.Year}";

    // ---- monthly helpers ---------------------------------------------------------------------------------------------

    private static List<DateOnly> Months(DateOnly from, DateOnly to)
    {
        var list = new List<DateOnly>();
        for (var m = Periods.MonthStart(from); m <= to; m = m.AddMonths(1)) list.Add(m);
        return list;
    }

    private static string MonthLabel(DateOnly m, DateOnly windowFrom, DateOnly windowTo) =>
        windowFrom.Year == windowTo.Year ? MonthNames[m.Month - 1] : $"{MonthNames[m.Month - 1]} +{m.Year - windowFrom.Year}";

    private List<TrendPoint> MonthlyPoints(DateOnly from, DateOnly to, IReadOnlyDictionary<string, JsonObject> byMonth, string measure, params string[] extra) =>
        MonthlyPoints(from, to, byMonth, measure, extra.Select(e => (e, e)).ToArray());

    /// <summary>Monthly points; each extra value is (name in the response, field of the stored row).</summary>
    private List<TrendPoint> MonthlyPoints(DateOnly from, DateOnly to, IReadOnlyDictionary<string, JsonObject> byMonth, string measure, (string Name, string Field)[] extra)
    {
        var points = new List<TrendPoint>();
        var i = 0;
        var today = Today;
        foreach (var m in Months(from, to))
        {
            var doc = byMonth.GetValueOrDefault(Periods.Format(m));
            var values = extra.Length == 0 ? null : extra.ToDictionary(e => e.Name, e => doc is null ? 0.0 : Num(doc, e.Field));
            points.Add(new TrendPoint(i++, MonthLabel(m, from, to), Periods.Format(m), doc is null ? 0 : Num(doc, measure), values,
                PointStatus.Of(m, m.AddMonths(1), today)));
        }
        return points;
    }

    // ---- languages --------------------------------------------------------------------------------------------------

    private async Task<TrendResponse> LanguagesAsync(TrendQuery q, CancellationToken ct)
    {
        var perYear = await Task.WhenAll(Enumerable.Range(0, q.CompareYears + 1).Select(async k =>
        {
            var (from, to) = Shift(q, k);
            var filters = new List<FieldFilter> { Range("month_start", FilterOp.Gte, Periods.MonthStart(from)), Range("month_start", FilterOp.Lte, to) };
            if (q.Language is not null) filters.Insert(0, Eq("language", q.Language));
            var docs = await store.FindAsync(AnalyticsCollections.Languages, new DocumentQuery { Filters = filters }, ct);
            return (k, from, to, docs);
        }));
        // The languages shown: the top ones of the requested window by the chosen measure.
        var current = perYear.Single(p => p.k == 0).docs;
        var top = current.GroupBy(d => Str(d, "language")!).OrderByDescending(g => g.Sum(d => Num(d, q.Measure))).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Take(q.Language is null ? Math.Min(q.Limit, 8) : 1).Select(g => g.Key).ToList();
        if (q.Language is not null && top.Count == 0) top.Add(q.Language);
        var series = new List<TrendSeries>();
        foreach (var language in top)
        {
            foreach (var (k, from, to, docs) in perYear.OrderBy(p => p.k))
            {
                var byMonth = docs.Where(d => Str(d, "language") == language).ToDictionary(d => Str(d, "month_start")!);
                var points = MonthlyPoints(from, to, byMonth, q.Measure, "events", "stars", "repos_created", "active_repos");
                series.Add(new TrendSeries(language, from.Year, k, Periods.Format(from), Periods.Format(to), points.Sum(p => p.Value), points));
            }
        }
        return new TrendResponse(q.Metric, "month", Periods.Format(q.From), Periods.Format(q.To), q.CompareYears, Filters(q), series);
    }

    // ---- monthly series: time to close, contributors, first response, time to merge, new contributors ----------------

    /// <summary>Which rows of a per-month collection a query reads: those of its repository, else (where the collection
    /// has language rows) of its language, else the all-repositories row.</summary>
    private static (string Scope, string Name) MonthlyScope(TrendQuery q, bool byLanguage) =>
        q.Repo is not null ? ("repo", q.Repo) : byLanguage && q.Language is not null ? ("language", q.Language) : ("all", "*");

    /// <summary>The rows of one scope (and kind, where given) of a per-month collection from the month of
    /// <paramref name="from"/> to <paramref name="to"/>, keyed by their month_start.</summary>
    private async Task<Dictionary<string, JsonObject>> MonthRowsAsync(string collection, (string Scope, string Name) scope, string? kind,
        DateOnly from, DateOnly to, CancellationToken ct)
    {
        List<FieldFilter> filters = [Eq("scope", scope.Scope), Eq("name", scope.Name)];
        if (kind is not null) filters.Add(Eq("kind", kind));
        filters.Add(Range("month_start", FilterOp.Gte, Periods.MonthStart(from)));
        filters.Add(Range("month_start", FilterOp.Lte, to));
        var docs = await store.FindAsync(collection, new DocumentQuery { Filters = filters }, ct);
        return docs.ToDictionary(d => Str(d, "month_start")!);
    }

    /// <summary>A metric of one per-month collection: a series per compared year, its points made by
    /// <paramref name="points"/> from that window's rows by month, its total the sum of <paramref name="total"/> over them.</summary>
    private async Task<TrendResponse> MonthlySeriesAsync(TrendQuery q, string collection, bool byLanguage, string? kind,
        Func<DateOnly, DateOnly, Dictionary<string, JsonObject>, Task<List<TrendPoint>>> points, Func<TrendPoint, double> total, CancellationToken ct)
    {
        var scope = MonthlyScope(q, byLanguage);
        var series = await ForEachYear(q, async (k, from, to) =>
        {
            var monthly = await points(from, to, await MonthRowsAsync(collection, scope, kind, from, to, ct));
            return [new TrendSeries(SeriesName(q, from, to), from.Year, k, Periods.Format(from), Periods.Format(to), monthly.Sum(total), monthly)];
        });
        return new TrendResponse(q.Metric, "month", Periods.Format(q.From), Periods.Format(q.To), q.CompareYears, Filters(q), series);
    }

    private Task<TrendResponse> TimeToCloseAsync(TrendQuery q, CancellationToken ct) =>
        MonthlySeriesAsync(q, AnalyticsCollections.TimeToClose, byLanguage: true, q.Kind,
            (from, to, byMonth) => Task.FromResult(MonthlyPoints(from, to, byMonth, "median_hours", "median_hours", "p85_hours", "p95_hours", "closed")),
            p => p.Values!["closed"], ct);

    private Task<TrendResponse> ContributorsAsync(TrendQuery q, CancellationToken ct) =>
        MonthlySeriesAsync(q, AnalyticsCollections.Contributors, byLanguage: false, kind: null,
            (from, to, byMonth) => Task.FromResult(MonthlyPoints(from, to, byMonth, "contributors", "contributors", "active_actors")),
            p => p.Value, ct);

    private Task<TrendResponse> FirstResponseAsync(TrendQuery q, CancellationToken ct) =>
        MonthlySeriesAsync(q, AnalyticsCollections.FirstResponse, byLanguage: true, kind: null,
            (from, to, byMonth) => Task.FromResult(MonthlyPoints(from, to, byMonth, "p50_hours",
                [("p50Hours", "p50_hours"), ("p85Hours", "p85_hours"), ("issues", "issues")])),
            p => p.Values!["issues"], ct);

    /// <summary>Merged pull requests' time to merge (value = median hours) with the closed-unmerged ones apart.</summary>
    private Task<TrendResponse> TimeToMergeAsync(TrendQuery q, CancellationToken ct) =>
        MonthlySeriesAsync(q, AnalyticsCollections.TimeToClose, byLanguage: true, "pr_merged", async (from, to, merged) =>
        {
            var unmergedByMonth = await MonthRowsAsync(AnalyticsCollections.TimeToClose, MonthlyScope(q, byLanguage: true), "pr_unmerged", from, to, ct);
            return MonthlyPoints(from, to, merged, "median_hours", [("p50Hours", "median_hours"), ("p85Hours", "p85_hours"), ("merged", "closed")])
                .Select(p =>
                {
                    var u = unmergedByMonth.GetValueOrDefault(p.Period);
                    var values = new Dictionary<string, double>(p.Values!)
                    {
                        ["closedUnmerged"] = u is null ? 0 : Num(u, "closed"),
                        ["closedUnmergedP50Hours"] = u is null ? 0 : Num(u, "median_hours"),
                    };
                    return p with { Values = values };
                }).ToList();
        }, p => p.Values!["merged"], ct);

    /// <summary>New contributors per month (value) and returning ones (values.returning).</summary>
    private Task<TrendResponse> NewContributorsAsync(TrendQuery q, CancellationToken ct) =>
        MonthlySeriesAsync(q, AnalyticsCollections.Contributors, byLanguage: false, kind: null,
            (from, to, byMonth) => Task.FromResult(MonthlyPoints(from, to, byMonth, "new_contributors",
                [("new", "new_contributors"), ("returning", "returning_contributors"), ("contributors", "contributors")])),
            p => p.Value, ct);

    // ---- weekly reshaped: opened vs closed, cumulative stars ------------------------------------------------------------------------

    /// <summary>Issues (kind issue) or pull requests (kind pr) opened and closed per week; value = opened.</summary>
    private Task<TrendResponse> OpenedClosedAsync(TrendQuery q, CancellationToken ct)
    {
        var pr = q.Kind == "pr";
        return WeeklyAsync(q, pr ? "prs_opened" : "issues_opened", points => points.Select(p => p with
        {
            Values = pr
                ? new Dictionary<string, double>
                {
                    ["opened"] = p.Values!["prs_opened"],
                    ["closed"] = p.Values["prs_closed"],
                    ["merged"] = p.Values["prs_merged"],
                    ["closedUnmerged"] = p.Values["prs_closed_unmerged"],
                }
                : new Dictionary<string, double> { ["opened"] = p.Values!["issues_opened"], ["closed"] = p.Values["issues_closed"] },
        }).ToList(), ct);
    }

    /// <summary>Stars accumulated from the window's start, per week (value = running total; values.stars = that week's).</summary>
    private Task<TrendResponse> CumulativeStarsAsync(TrendQuery q, CancellationToken ct) =>
        WeeklyAsync(q, "stars", points =>
        {
            var total = 0.0;
            return points.Select(p =>
            {
                total += p.Value;
                return p with { Value = total, Values = new Dictionary<string, double> { ["stars"] = p.Value, ["cumulative"] = total } };
            }).ToList();
        }, ct);

    // ---- top growing ------------------------------------------------------------------------------------------------

    private async Task<TrendResponse> TopGrowingAsync(TrendQuery q, CancellationToken ct)
    {
        var filters = new List<FieldFilter> { Range("month_start", FilterOp.Gte, Periods.MonthStart(q.From)), Range("month_start", FilterOp.Lte, q.To) };
        if (q.Repo is not null) filters.Insert(0, Eq("repo", q.Repo));
        else if (q.Language is not null) filters.Insert(0, Eq("language", q.Language));
        else
        {
            // Across all repositories only each month's leading candidates are read: a repository outside every month's
            // top few hundred by star growth cannot make the overall top list of at most 100.
            filters.Insert(0, new FieldFilter("star_delta_rank", FilterOp.Lte, JsonValue.Create(TopGrowingCandidatesPerMonth)));
        }
        var docs = await store.FindAsync(AnalyticsCollections.TopGrowing, new DocumentQuery { Filters = filters }, ct);
        var items = docs.GroupBy(d => Str(d, "repo")!).Select(g =>
        {
            var stars = (long)g.Sum(d => Num(d, "stars"));
            var prev = (long)g.Sum(d => Num(d, "stars_prev_year"));
            var events = (long)g.Sum(d => Num(d, "events"));
            var eventsPrev = (long)g.Sum(d => Num(d, "events_prev_year"));
            return new GrowingRepository(g.Key, g.Select(d => Str(d, "language")).FirstOrDefault(l => l is not null), stars, prev, stars - prev,
                Pct(stars, prev), events, eventsPrev, Pct(events, eventsPrev));
        })
        .OrderByDescending(i => i.StarDelta).ThenByDescending(i => i.Events - i.EventsPrevYear).ThenBy(i => i.Repo, StringComparer.Ordinal)
        .Take(q.Limit)
        .ToList();
        var series = items.Select(i => new TrendSeries(i.Repo, q.From.Year, 0, Periods.Format(q.From), Periods.Format(q.To), i.StarDelta,
            [new TrendPoint(0, "stars", Periods.Format(q.From), i.Stars), new TrendPoint(1, "stars a year earlier", Periods.Format(q.From.AddYears(-1)), i.StarsPrevYear)])).ToList();
        return new TrendResponse(q.Metric, "period", Periods.Format(q.From), Periods.Format(q.To), 1, Filters(q), series, items);
    }

    public const int TopGrowingCandidatesPerMonth = 300;

    private static double? Pct(long current, long previous) => previous == 0 ? null : Math.Round((current - previous) * 100.0 / previous, 1);

    private static string? Str(JsonObject d, string name) => d[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static double Num(JsonObject d, string name) => d[name] switch
    {
        JsonValue v when v.TryGetValue<double>(out var x) => x,
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.TryGetValue<string>(out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) => p,
        _ => 0,
    };
}

/// <summary>The source-generated log messages of TrendsQueryService (event ids: docs/architecture.md).</summary>
internal static partial class TrendsQueryServiceLog
{
    [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Checking the trends results generation failed; the one in memory is served until a later check succeeds")]
    public static partial void GenerationCheckFailed(ILogger logger, Exception exception);
}
