using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Analytics;
using Pipeline.Analytics.Trends;
using Pipeline.Domain.Json;
using Pipeline.Storage;
using Pipeline.Testing.Analytics;

namespace Pipeline.UnitTests.Analytics;

/// <summary>Serving from precomputed collections: hand-written trend documents, so expectations do not depend on the jobs.</summary>
public sealed class TrendsQueryTests
{
    private static async Task<InMemoryDocumentStore> StoreAsync()
    {
        var store = new InMemoryDocumentStore();
        // Weekly totals: week starting 2026-01-05 (W02) and the ISO-aligned weeks a year and two years earlier.
        foreach (var (week, events, stars) in new[] { ("2026-01-05", 300L, 30L), ("2026-01-12", 320L, 31L), ("2025-01-06", 200L, 20L), ("2024-01-08", 100L, 10L) })
        {
            await store.UpsertAsync(AnalyticsCollections.ActivityWeekly, "activity_weekly:" + week, new JsonObject { ["week_start"] = week, ["events"] = events, ["stars"] = stars });
        }
        foreach (var (repo, lang, week, events) in new[] { ("a/x", "Rust", "2026-01-05", 40L), ("b/y", "Go", "2026-01-05", 7L), ("a/x", "Rust", "2025-01-06", 10L) })
        {
            await store.UpsertAsync(AnalyticsCollections.RepoWeekly, $"repo_activity_weekly:{repo}|{week}",
                new JsonObject { ["repo"] = repo, ["language"] = lang, ["week_start"] = week, ["events"] = events, ["stars"] = 1L });
        }
        foreach (var (repo, month, stars, prev, rank) in new[]
                 {
                     ("a/x", "2026-01-01", 50L, 10L, 1L), ("b/y", "2026-01-01", 30L, 29L, 3L), ("c/z", "2026-01-01", 5L, 0L, 2L), ("a/x", "2026-02-01", 20L, 10L, 1L),
                     // Far down its month's ranking: not a candidate for the overall list.
                     ("d/w", "2026-01-01", 900L, 900L, 301L),
                 })
        {
            await store.UpsertAsync(AnalyticsCollections.TopGrowing, $"top_growing_monthly:{repo}|{month}", new JsonObject
            {
                ["repo"] = repo,
                ["month_start"] = month,
                ["language"] = "Rust",
                ["stars"] = stars,
                ["stars_prev_year"] = prev,
                ["events"] = 100L,
                ["events_prev_year"] = 50L,
                ["star_delta"] = stars - prev,
                ["star_delta_rank"] = rank,
            });
        }
        foreach (var (month, median) in new[] { ("2026-01-01", 10.5), ("2026-02-01", 12.0), ("2025-01-01", 30.0) })
        {
            await store.UpsertAsync(AnalyticsCollections.TimeToClose, $"time_to_close_monthly:all|*|issue|{month}", new JsonObject
            {
                ["scope"] = "all",
                ["name"] = "*",
                ["kind"] = "issue",
                ["month_start"] = month,
                ["closed"] = 9L,
                ["median_hours"] = median,
                ["p85_hours"] = median * 3,
                ["p95_hours"] = median * 5,
            });
        }
        return store;
    }

    private static TrendQuery Query(string metric, string from = "2026-01-01", string to = "2026-01-18", int compare = 2, string? repo = null, string? language = null) =>
        new(metric, DateOnly.Parse(from), DateOnly.Parse(to), compare, repo, language);

    [Fact]
    public async Task Activity_series_overlay_the_same_weeks_of_earlier_years()
    {
        var service = new TrendsQueryService(await StoreAsync()) { CacheDuration = TimeSpan.Zero };
        var response = await service.QueryAsync(Query("activity"));

        Assert.Equal("week", response.Granularity);
        Assert.Equal(["2026", "2025", "2024"], response.Series.Select(s => s.Name));
        var current = response.Series[0];
        // Weeks overlapping 2026-01-01..2026-01-18: starting 2025-12-29 (W01), 01-05 (W02), 01-12 (W03).
        Assert.Equal(["W01", "W02", "W03"], current.Points.Select(p => p.Label));
        Assert.Equal([0.0, 300, 320], current.Points.Select(p => p.Value));
        Assert.Equal(620, current.Total);
        var lastYear = response.Series[1];
        Assert.Equal("2025-01-01", lastYear.From);
        Assert.Equal(["W01", "W02", "W03"], lastYear.Points.Select(p => p.Label));
        Assert.Equal([0.0, 200, 0], lastYear.Points.Select(p => p.Value));
        Assert.Equal([0, 1, 2], lastYear.Points.Select(p => p.Index));
        Assert.Equal(100, response.Series[2].Total);
    }

    [Fact]
    public async Task Repository_and_language_filters_read_the_per_repository_collection()
    {
        var service = new TrendsQueryService(await StoreAsync()) { CacheDuration = TimeSpan.Zero };
        Assert.Equal(40, (await service.QueryAsync(Query("activity", repo: "a/x", compare: 0))).Series.Single().Total);
        Assert.Equal(7, (await service.QueryAsync(Query("activity", language: "Go", compare: 0))).Series.Single().Total);
        var withHistory = await service.QueryAsync(Query("activity", repo: "a/x", compare: 1));
        Assert.Equal([40.0, 10.0], withHistory.Series.Select(s => s.Total));
    }

    [Fact]
    public async Task Top_growing_ranks_by_new_stars_against_a_year_earlier()
    {
        var service = new TrendsQueryService(await StoreAsync()) { CacheDuration = TimeSpan.Zero };
        var response = await service.QueryAsync(Query("top-growing", "2026-01-01", "2026-02-28"));
        Assert.Equal(["a/x", "c/z", "b/y"], response.Items!.Select(i => i.Repo));
        var top = response.Items![0];
        Assert.Equal((70, 20, 50), (top.Stars, top.StarsPrevYear, top.StarDelta));
        Assert.Equal(250.0, top.StarGrowthPct);
        Assert.Null(response.Items[1].StarGrowthPct);
    }

    [Fact]
    public async Task Time_to_close_reports_median_and_tail_per_month()
    {
        var service = new TrendsQueryService(await StoreAsync()) { CacheDuration = TimeSpan.Zero };
        var response = await service.QueryAsync(Query("time-to-close", "2026-01-01", "2026-02-28", 1));
        Assert.Equal([10.5, 12.0], response.Series[0].Points.Select(p => p.Value));
        Assert.Equal(52.5, response.Series[0].Points[0].Values!["p95_hours"]);
        Assert.Equal(["Jan", "Feb"], response.Series[1].Points.Select(p => p.Label));
        Assert.Equal([30.0, 0.0], response.Series[1].Points.Select(p => p.Value));
    }

    [Theory]
    [InlineData("/api/trends/nonsense", "Unknown metric")]
    [InlineData("/api/trends/activity?from=2026-02-30", "'from' must be a date")]
    [InlineData("/api/trends/activity?to=yesterday", "'to' must be a date")]
    [InlineData("/api/trends/activity?from=2026-03-01&to=2026-02-01", "is after")]
    [InlineData("/api/trends/activity?compareYears=-1", "compareYears")]
    [InlineData("/api/trends/activity?compareYears=99", "compareYears")]
    [InlineData("/api/trends/time-to-close?kind=bug", "'kind'")]
    [InlineData("/api/trends/languages?measure=loc", "'measure'")]
    public async Task Bad_queries_get_400_with_a_reason(string url, string reason)
    {
        await using var app = await AnalyticsTestApp.StartAsync(await StoreAsync());
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var response = await http.GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(reason, (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Http_returns_series_json_and_dimensions()
    {
        var store = await StoreAsync();
        await store.UpsertAsync(AnalyticsCollections.Repositories, "repositories:a/x", new JsonObject { ["repo"] = "a/x", ["language"] = "Rust" });
        await store.UpsertAsync(AnalyticsCollections.Repositories, "repositories:b/y", new JsonObject { ["repo"] = "b/y", ["language"] = "Go" });
        await using var app = await AnalyticsTestApp.StartAsync(store);
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };

        var json = await http.GetFromJsonAsync<JsonObject>("/api/trends/stars?from=2026-01-01&to=2026-01-18&compareYears=1");
        Assert.Equal("stars", json!["metric"]!.GetValue<string>());
        Assert.Equal(2, json["series"]!.AsArray().Count);
        Assert.Equal(61, json["series"]![0]!["total"]!.GetValue<double>());
        var dims = await http.GetFromJsonAsync<JsonObject>("/api/trends/dimensions");
        Assert.Equal(["Go", "Rust"], dims!["languages"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(2, dims["repositories"]!.AsArray().Count);
        Assert.Contains("top-growing", dims["metrics"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Fact]
    public async Task Routes_serve_the_precomputed_row_of_the_current_generation_byte_for_byte()
    {
        var store = await StoreAsync();
        await using var app = await AnalyticsTestApp.StartAsync(store);
        var service = app.Services.GetRequiredService<TrendsQueryService>();
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var today = service.Today;
        // The dashboard's "last 12 months" view of activity (relative to today, as the precomputed rows are).
        var activity = TrendsQueryService.DashboardQueries(today).Where(q => q.Metric == "activity").ElementAt(1);
        var addedWeek = Pipeline.Analytics.Planning.Periods.WeekStart(today.AddDays(-60));
        var url = $"/api/trends/activity?from={activity.From:yyyy-MM-dd}&to={activity.To:yyyy-MM-dd}&compareYears=2";

        var precomputed = await service.PrecomputeAsync("run-1");
        // 11 metrics x 4 periods, 5 variants this year (kind=pr of two metrics, three more language measures), the dimensions.
        Assert.Equal(11 * 4 + 5 + 1, precomputed);
        Assert.Equal(precomputed + 1, await store.CountAsync(AnalyticsCollections.TrendResponses));

        using var response = await http.GetAsync(url);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var served = await response.Content.ReadAsByteArrayAsync();
        // The same bytes as serialising the response computed from the trend collections.
        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(await service.QueryAsync(activity), PipelineJson.Options), served);

        // What is served is the stored row: new trend documents show only with the next generation (the next run).
        var before = JsonNode.Parse(served)!["series"]![0]!["total"]!.GetValue<double>();
        var week = Pipeline.Analytics.Planning.Periods.Format(addedWeek);
        await store.UpsertAsync(AnalyticsCollections.ActivityWeekly, "activity_weekly:" + week, new JsonObject { ["week_start"] = week, ["events"] = 1000L, ["stars"] = 1L });
        Assert.Equal(served, await http.GetByteArrayAsync(url));
        await service.PrecomputeAsync("run-2");
        var next = await http.GetFromJsonAsync<JsonObject>(url);
        Assert.Equal(before + 1000, next!["series"]![0]!["total"]!.GetValue<double>());
        Assert.Equal(0, await store.CountAsync(AnalyticsCollections.TrendResponses,
            DocumentQuery.Where(new FieldFilter("generation", FilterOp.Eq, JsonValue.Create("run-1")))));

        // A query nobody precomputed is computed once, stored, and read from the table afterwards.
        var custom = "/api/trends/stars?from=2026-01-01&to=2026-01-18&compareYears=1";
        var first = await http.GetByteArrayAsync(custom);
        var rows = await store.FindAsync(AnalyticsCollections.TrendResponses,
            DocumentQuery.Where(new FieldFilter("query", FilterOp.Eq, JsonValue.Create("q:" + TrendsQueryService.Key(Query("stars", compare: 1))))));
        var row = Assert.Single(rows);
        Assert.Equal("run-2", row["generation"]!.GetValue<string>());
        Assert.Equal(first, System.Text.Encoding.UTF8.GetBytes(row["json"]!.GetValue<string>()));
        Assert.Equal(first, await http.GetByteArrayAsync(custom));
    }

    [Fact]
    public async Task Routes_send_an_etag_answer_304_when_it_matches_and_gzip_the_same_bytes_when_accepted()
    {
        var store = await StoreAsync();
        await using var app = await AnalyticsTestApp.StartAsync(store);
        var service = app.Services.GetRequiredService<TrendsQueryService>();
        await service.PrecomputeAsync("run-1");
        var activity = TrendsQueryService.DashboardQueries(service.Today).First(q => q.Metric == "activity");
        var url = $"/api/trends/activity?from={activity.From:yyyy-MM-dd}&to={activity.To:yyyy-MM-dd}&compareYears=2";
        using var http = new HttpClient(new HttpClientHandler { AutomaticDecompression = System.Net.DecompressionMethods.None }) { BaseAddress = new Uri(app.BaseUrl) };

        using var plain = await http.GetAsync(url);
        var bytes = await plain.Content.ReadAsByteArrayAsync();
        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(await service.QueryAsync(activity), PipelineJson.Options), bytes);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        var etag = plain.Headers.ETag!;
        Assert.False(etag.IsWeak);

        using var gzipRequest = new HttpRequestMessage(HttpMethod.Get, url);
        gzipRequest.Headers.AcceptEncoding.ParseAdd("gzip, deflate, br");
        using var gzipped = await http.SendAsync(gzipRequest);
        Assert.Equal(["gzip"], gzipped.Content.Headers.ContentEncoding);
        Assert.Equal(etag, gzipped.Headers.ETag);
        await using (var unzip = new System.IO.Compression.GZipStream(await gzipped.Content.ReadAsStreamAsync(), System.IO.Compression.CompressionMode.Decompress))
        using (var copy = new MemoryStream())
        {
            await unzip.CopyToAsync(copy);
            Assert.Equal(bytes, copy.ToArray());
        }

        using var refused = new HttpRequestMessage(HttpMethod.Get, url);
        refused.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip;q=0, identity");
        using var identity = await http.SendAsync(refused);
        Assert.Empty(identity.Content.Headers.ContentEncoding);
        Assert.Equal(bytes, await identity.Content.ReadAsByteArrayAsync());

        using var conditional = new HttpRequestMessage(HttpMethod.Get, url);
        conditional.Headers.IfNoneMatch.Add(etag);
        using var notModified = await http.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        // A new generation with other numbers has another tag: the old one no longer matches.
        var week = Pipeline.Analytics.Planning.Periods.Format(Pipeline.Analytics.Planning.Periods.WeekStart(service.Today.AddDays(-7)));
        await store.UpsertAsync(AnalyticsCollections.ActivityWeekly, "activity_weekly:" + week, new JsonObject { ["week_start"] = week, ["events"] = 5000L, ["stars"] = 1L });
        await service.PrecomputeAsync("run-2");
        using var again = new HttpRequestMessage(HttpMethod.Get, url);
        again.Headers.IfNoneMatch.Add(etag);
        using var changed = await http.SendAsync(again);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
    }

    [Fact]
    public async Task Another_instance_serves_a_new_generation_after_its_background_check()
    {
        var store = await StoreAsync();
        var writer = new TrendsQueryService(store) { CacheDuration = TimeSpan.Zero };
        var reader = new TrendsQueryService(store) { CacheDuration = TimeSpan.Zero, GenerationRefresh = TimeSpan.FromMilliseconds(50) };
        var activity = TrendsQueryService.DashboardQueries(writer.Today).First(q => q.Metric == "activity");
        await writer.PrecomputeAsync("run-1");
        var first = await reader.QueryJsonAsync(activity);
        Assert.Equal(await writer.QueryJsonAsync(activity), first);

        var week = Pipeline.Analytics.Planning.Periods.Format(Pipeline.Analytics.Planning.Periods.WeekStart(writer.Today.AddDays(-7)));
        await store.UpsertAsync(AnalyticsCollections.ActivityWeekly, "activity_weekly:" + week, new JsonObject { ["week_start"] = week, ["events"] = 5000L, ["stars"] = 1L });
        await writer.PrecomputeAsync("run-2");
        var expected = await writer.QueryJsonAsync(activity);
        Assert.NotEqual(first, expected);
        // The reader answers from memory at once and notices the new generation within a few checks.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        byte[] served;
        do
        {
            await Task.Delay(60);
            served = await reader.QueryJsonAsync(activity);
        }
        while (!served.AsSpan().SequenceEqual(expected) && DateTime.UtcNow < deadline);
        Assert.Equal(expected, served);
    }
}
