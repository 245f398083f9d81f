using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.DurableTask.Client;
using Pipeline.Analytics;
using Pipeline.Analytics.Jobs;
using Pipeline.Analytics.Runs;
using Pipeline.Analytics.Seed;
using Pipeline.Analytics.Snapshot;
using Pipeline.Domain;
using Pipeline.Orchestration.Analytics;
using Pipeline.Storage;
using Pipeline.Storage.Events;
using Pipeline.Testing.Analytics;

namespace Pipeline.UnitTests.Analytics;

/// <summary>The real AggregateTrends orchestration (in-memory Durable Task backend, real DuckDB, real Parquet) over a seeded store.</summary>
public sealed class AggregateTrendsOrchestratorTests
{
    private static readonly DateTimeOffset Now = new(2025, 7, 16, 12, 0, 0, TimeSpan.Zero);
    private static readonly SeedOptions Seed = new() { Now = Now, Years = 2, Scale = 0.3, NewRepositoriesPerDay = 0.05 };
    private static readonly Lazy<Task<InMemoryDocumentStore>> Seeded = new(async () =>
    {
        var store = new InMemoryDocumentStore();
        await SeedDataGenerator.SeedAsync(store, Seed);
        return store;
    });

    /// <summary>A private copy of the seeded store (seeding once keeps the suite fast).</summary>
    private static async Task<InMemoryDocumentStore> SeededStoreAsync() => (await Seeded.Value).Clone();

    /// <summary>A window of a few weeks, for tests that do not need the whole history.</summary>
    private const string WindowFrom = "2025-05-26";
    private const string WindowTo = "2025-06-22";

    private static async Task<long> SumAsync(IDocumentStore store, string collection, string field) =>
        (await store.FindAsync(collection, DocumentQuery.All)).Sum(d => L(d[field]));

    [Fact]
    public async Task Full_run_fills_every_trends_collection_and_records_a_succeeded_run()
    {
        var store = await SeededStoreAsync();
        await using var app = await AnalyticsTestApp.StartAsync(store);

        var (state, run) = await app.RunAggregationAsync(new AggregateTrendsInput { Trigger = "test" });

        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.NotNull(run);
        Assert.Equal(JobRunStatus.Succeeded, run!["status"]!.GetValue<string>());
        Assert.Equal("duckdb", run["engine"]!.GetValue<string>());
        Assert.True(run["full"]!.GetValue<bool>());
        var jobs = run["jobs"]!.AsArray();
        Assert.Equal(new EmbeddedTrendsJobCatalog().Jobs.Count, jobs.Count);
        Assert.All(jobs, j => Assert.Equal("succeeded", j!["status"]!.GetValue<string>()));
        Assert.Equal(jobs.Sum(j => L(j!["rows"])), L(run["rows"]));
        Assert.True(L(run["duration_ms"]) >= 0);

        var events = await store.CountAsync(Collections.Events);
        Assert.Equal(events, await SumAsync(store, AnalyticsCollections.ActivityWeekly, "events"));
        Assert.Equal(events, await SumAsync(store, AnalyticsCollections.Activity, "events"));
        Assert.Equal(events, await SumAsync(store, AnalyticsCollections.RepoWeekly, "events"));
        var stars = (await store.FindAsync(Collections.Events, DocumentQuery.Where(new FieldFilter("type", FilterOp.Eq, JsonValue.Create("watch"))))).Count;
        Assert.Equal(stars, await SumAsync(store, AnalyticsCollections.ActivityWeekly, "stars"));
        Assert.True(await store.CountAsync(AnalyticsCollections.TimeToClose) > 0);
        Assert.True(await store.CountAsync(AnalyticsCollections.Languages) > 0);
        Assert.True(await store.CountAsync(AnalyticsCollections.TopGrowing) > 0);
        Assert.True(await store.CountAsync(AnalyticsCollections.Contributors) > 0);
        Assert.Equal(run["watermark"]!.GetValue<string>(), await new JobRunStore(store).LastWatermarkAsync());
    }

    [Fact]
    public async Task Incremental_run_recomputes_only_periods_touched_by_new_events()
    {
        var store = await SeededStoreAsync();
        await using var app = await AnalyticsTestApp.StartAsync(store);
        var (first, firstRun) = await app.RunAggregationAsync(new AggregateTrendsInput());
        Assert.Equal(OrchestrationRuntimeStatus.Completed, first.RuntimeStatus);
        var firstWeekly = (await store.FindAsync(AnalyticsCollections.ActivityWeekly, DocumentQuery.All)).ToDictionary(d => d["_id"]!.GetValue<string>());

        // New events received after the first run: two today, and one late-arriving (backfilled) event from June 2024.
        var receivedAt = DateTimeOffset.Parse(firstRun!["watermark"]!.GetValue<string>()).AddMinutes(30);
        var late = new DateTimeOffset(2024, 6, 12, 10, 0, 0, TimeSpan.Zero);
        var newEvents = new[]
        {
            Event("new-1", "watch", "started", "contoso/quantum-sdk", Now.AddHours(-1), receivedAt),
            Event("new-2", "push", null, "contoso/quantum-sdk", Now.AddHours(-2), receivedAt),
            Event("new-3", "fork", null, "tailspin/cli", late, receivedAt),
        };
        await store.InsertManyIfAbsentAsync(Collections.Events, newEvents.Select(e => new KeyValuePair<string, JsonObject>(e.Id, EventDocument.From(e))).ToList());

        var (second, run) = await app.RunAggregationAsync(new AggregateTrendsInput());

        Assert.Equal(OrchestrationRuntimeStatus.Completed, second.RuntimeStatus);
        Assert.False(run!["full"]!.GetValue<bool>());
        Assert.Equal(2, L(run["touched_days"]));
        Assert.Equal(3, L(run["new_events"]));
        var weekly = (await store.FindAsync(AnalyticsCollections.ActivityWeekly, DocumentQuery.All)).ToDictionary(d => d["_id"]!.GetValue<string>());
        var touchedWeeks = new[] { "activity_weekly:2024-06-10", "activity_weekly:2025-07-14" };
        foreach (var (id, doc) in weekly)
        {
            var recomputed = doc["run_id"]!.GetValue<string>() == second.InstanceId;
            Assert.Equal(touchedWeeks.Contains(id), recomputed);
            if (!recomputed) Assert.Equal(firstWeekly[id].ToJsonString(), doc.ToJsonString());
        }
        Assert.Equal(L(firstWeekly["activity_weekly:2025-07-14"]["events"]) + 2, L(weekly["activity_weekly:2025-07-14"]["events"]));
        Assert.Equal(L(firstWeekly["activity_weekly:2024-06-10"]["forks"]) + 1, L(weekly["activity_weekly:2024-06-10"]["forks"]));
        // The June 2024 change also reaches June 2025's year-over-year comparison.
        var june2025 = await store.GetAsync(AnalyticsCollections.TopGrowing, "top_growing_monthly:tailspin/cli|2025-06-01");
        Assert.Equal(second.InstanceId, june2025!["run_id"]!.GetValue<string>());
        Assert.Equal(await store.CountAsync(Collections.Events), await SumAsync(store, AnalyticsCollections.ActivityWeekly, "events"));

        // Nothing new: nothing recomputed.
        var (third, idle) = await app.RunAggregationAsync(new AggregateTrendsInput());
        Assert.Equal(OrchestrationRuntimeStatus.Completed, third.RuntimeStatus);
        Assert.Equal(0, L(idle!["touched_days"]));
        Assert.Equal(0, L(idle["rows"]));
    }

    [Fact]
    public async Task Forced_rerun_is_idempotent()
    {
        var store = await SeededStoreAsync();
        await using var app = await AnalyticsTestApp.StartAsync(store);
        await app.RunAggregationAsync(new AggregateTrendsInput { Force = true, From = WindowFrom, To = WindowTo });
        var before = await SnapshotAsync(store);
        Assert.True(before.Values.Sum(c => c.Count) > 100);

        var (state, run) = await app.RunAggregationAsync(new AggregateTrendsInput { Force = true, From = WindowFrom, To = WindowTo });

        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        var after = await SnapshotAsync(store);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (collection, docs) in before)
        {
            Assert.Equal(docs.Count, after[collection].Count);
            Assert.Equal(docs.Keys.Order(), after[collection].Keys.Order());
            foreach (var (id, doc) in docs)
            {
                Assert.Equal(Strip(doc), Strip(after[collection][id]));
            }
        }
        Assert.Equal(JobRunStatus.Succeeded, run!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Failing_job_is_retried_then_fails_the_run_visibly_and_leaves_earlier_results_intact()
    {
        var store = await SeededStoreAsync();
        var broken = TrendsJobParser.Parse("broken.sql", """
            -- job: broken_job
            -- inputs: events
            -- output: trends_broken
            -- key: week_start
            -- period: week
            -- period-column: week_start
            SELECT CAST(date_trunc('week', created_at) AS DATE) AS week_start, COUNT(no_such_column) AS n FROM events GROUP BY CAST(date_trunc('week', created_at) AS DATE)
            """);
        var good = EmbeddedTrendsJobCatalog.LoadEmbedded();
        await using (var okApp = await AnalyticsTestApp.StartAsync(store))
        {
            var (ok, _) = await okApp.RunAggregationAsync(new AggregateTrendsInput { From = WindowFrom, To = WindowTo });
            Assert.Equal(OrchestrationRuntimeStatus.Completed, ok.RuntimeStatus);
        }
        var earlier = await SnapshotAsync(store);
        var watermark = await new JobRunStore(store).LastWatermarkAsync();

        var catalog = new CountingCatalog([.. good, broken]);
        await using var app = await AnalyticsTestApp.StartAsync(store, catalog: catalog);
        var (state, run) = await app.RunAggregationAsync(new AggregateTrendsInput { Force = true, From = WindowFrom, To = WindowTo, JobMaxAttempts = 3, FirstRetrySeconds = 0.1 });

        Assert.Equal(OrchestrationRuntimeStatus.Failed, state.RuntimeStatus);
        Assert.Contains("broken_job", state.FailureDetails!.ErrorMessage);
        Assert.Equal(JobRunStatus.Failed, run!["status"]!.GetValue<string>());
        Assert.Contains("no_such_column", run["error"]!.GetValue<string>());
        var jobs = run["jobs"]!.AsArray().ToDictionary(j => j!["job"]!.GetValue<string>());
        Assert.Equal("failed", jobs["broken_job"]!["status"]!.GetValue<string>());
        Assert.All(jobs.Where(j => j.Key != "broken_job"), j => Assert.Equal("succeeded", j.Value!["status"]!.GetValue<string>()));
        Assert.Null(run["watermark"]);
        Assert.Equal(watermark, await new JobRunStore(store).LastWatermarkAsync());
        // Earlier results are all still there with the same values; the broken job wrote nothing.
        var after = await SnapshotAsync(store);
        foreach (var (collection, docs) in earlier)
        {
            foreach (var (id, doc) in docs) Assert.Equal(Strip(doc), Strip(after[collection][id]));
        }
        Assert.Equal(0, await store.CountAsync("trends_broken"));
        // Three attempts were made: one try plus two retries.
        Assert.Equal(3, catalog.Executions("broken_job"));
    }

    [Fact]
    public async Task Transient_store_failure_is_retried_with_backoff_and_the_run_succeeds()
    {
        var store = await SeededStoreAsync();
        var failures = 0;
        store.FailWith = collection =>
            collection == AnalyticsCollections.Contributors && Interlocked.Increment(ref failures) <= 2
                ? new StoreUnavailableException("simulated outage")
                : null;
        await using var app = await AnalyticsTestApp.StartAsync(store);

        var (state, run) = await app.RunAggregationAsync(new AggregateTrendsInput { From = WindowFrom, To = WindowTo, JobMaxAttempts = 3, FirstRetrySeconds = 0.1 });

        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.True(failures >= 3, "the job was retried after the simulated outages");
        Assert.Equal(JobRunStatus.Succeeded, run!["status"]!.GetValue<string>());
        Assert.True(await store.CountAsync(AnalyticsCollections.Contributors) > 0);
    }

    [Fact]
    public async Task Http_start_returns_202_with_a_status_url_that_reports_completion()
    {
        var store = await SeededStoreAsync();
        await using var app = await AnalyticsTestApp.StartAsync(store);
        using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };

        var response = await http.PostAsJsonAsync("/api/jobs/aggregate", new { force = true, from = WindowFrom, to = WindowTo });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        var instanceId = body!["id"]!.GetValue<string>();
        var statusUrl = body["statusQueryGetUri"]!.GetValue<string>();
        Assert.Equal(statusUrl, response.Headers.Location!.ToString());
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await app.Client.WaitForInstanceCompletionAsync(instanceId, cts.Token);
        var status = await http.GetFromJsonAsync<JsonObject>(statusUrl);
        Assert.Equal("Completed", status!["runtimeStatus"]!.GetValue<string>());
        Assert.Equal("succeeded", status["output"]!["status"]!.GetValue<string>());

        var runs = await http.GetFromJsonAsync<JsonObject>("/api/jobs/runs");
        Assert.Equal(instanceId, runs!["runs"]![0]!["_id"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/jobs/aggregate/no-such-run")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsync("/api/jobs/aggregate", new StringContent("{nope", System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync("/api/jobs/aggregate", new { from = "2026-13-01" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync("/api/jobs/aggregate", new { engine = "presto" })).StatusCode);
    }

    private static long L(JsonNode? node) => long.Parse(node!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);

    private static GitHubEvent Event(string id, string type, string? action, string repo, DateTimeOffset createdAt, DateTimeOffset receivedAt) =>
        new(id, type, action, repo, "tester", createdAt, EventSources.Webhook, null, receivedAt,
            JsonSerializer.SerializeToElement(new { action, repository = new { full_name = repo } }));

    private static async Task<Dictionary<string, Dictionary<string, JsonObject>>> SnapshotAsync(IDocumentStore store)
    {
        var result = new Dictionary<string, Dictionary<string, JsonObject>>();
        // The jobs' outputs; not the results table of the routes, whose rows are per run (generation) by design.
        foreach (var def in AnalyticsCollections.Definitions.Where(d => d.Name.StartsWith("trends_", StringComparison.Ordinal) && d.Name != AnalyticsCollections.TrendResponses))
        {
            result[def.Name] = (await store.FindAsync(def.Name, DocumentQuery.All)).ToDictionary(d => d["_id"]!.GetValue<string>());
        }
        return result;
    }

    private static string Strip(JsonObject doc)
    {
        var copy = doc.DeepClone().AsObject();
        copy.Remove("run_id");
        copy.Remove("computed_at");
        return copy.ToJsonString();
    }

    /// <summary>Counts how often each job is executed (the executor looks its job up once per attempt).</summary>
    private sealed class CountingCatalog(IEnumerable<TrendsJob> jobs) : ITrendsJobCatalog
    {
        private readonly TrendsJobCatalog _inner = new(jobs);
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _gets = new();

        public IReadOnlyList<TrendsJob> Jobs => _inner.Jobs;

        public TrendsJob Get(string name)
        {
            _gets.AddOrUpdate(name, 1, (_, n) => n + 1);
            return _inner.Get(name);
        }

        public int Executions(string name) => _gets.GetValueOrDefault(name);
    }
}
