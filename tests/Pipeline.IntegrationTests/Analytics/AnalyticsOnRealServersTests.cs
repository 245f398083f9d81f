using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Analytics;
using Pipeline.Analytics.Engines;
using Pipeline.Analytics.Seed;
using Pipeline.Analytics.Snapshot;
using Pipeline.Analytics.Trends;
using Pipeline.Domain;
using Pipeline.Embedded;
using Pipeline.Orchestration.Analytics;
using Pipeline.Storage;
using Pipeline.Storage.Events;
using Pipeline.Storage.Postgres;
using Pipeline.Testing.Storage;

namespace Pipeline.IntegrationTests.Analytics;

/// <summary>Real Azurite for the run (started once).</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public EmbeddedAzurite Azurite { get; private set; } = null!;

    public async Task InitializeAsync() => Azurite = await EmbeddedAzurite.StartAsync();

    public async Task DisposeAsync() => await Azurite.DisposeAsync();
}

/// <summary>The analytics pipeline on the real local servers: PostgreSQL (store, through the real event sink and its
/// projections), Azurite (Parquet snapshot in blob storage), DuckDB and the real orchestration.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AnalyticsOnRealServersTests(PostgresFixture postgres, AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Now = new(2025, 7, 16, 12, 0, 0, TimeSpan.Zero);

    private async Task<PostgresStore> SeededStoreAsync(double scale)
    {
        var store = await postgres.CreateStoreAsync("analytics");
        await StoreSchema.EnsureAsync(store);
        await SeedDataGenerator.SeedAsync(new EventSink(store), new SeedOptions { Now = Now, Years = 2, Scale = scale, NewRepositoriesPerDay = 0.02 });
        return store;
    }

    private BlobSnapshotStorage Storage() =>
        new(new BlobContainerClient(azurite.Azurite.ConnectionString, "snapshots-" + Guid.NewGuid().ToString("N")[..8]));

    [Fact]
    public async Task Snapshot_round_trips_through_azurite_partitioned_by_date()
    {
        using var store = await SeededStoreAsync(0.05);
        var storage = Storage();
        var exporter = new SnapshotExporter(store, storage, NullLogger<SnapshotExporter>.Instance);
        var days = Enumerable.Range(0, 30).Select(i => new DateOnly(2025, 6, 1).AddDays(i)).ToList();

        var (written, events) = await exporter.ExportDaysAsync(days);

        var names = await storage.ListAsync("events/");
        Assert.Equal(written, names.Count);
        Assert.All(names, n => Assert.Matches(@"^events/date=2025-06-\d{2}/part-0\.parquet$", n));
        var inStore = await store.CountAsync(Collections.Events, DocumentQuery.Where(
            new FieldFilter("created_at", FilterOp.Gte, JsonValue.Create("2025-06-01T00:00:00.000Z")),
            new FieldFilter("created_at", FilterOp.Lt, JsonValue.Create("2025-07-01T00:00:00.000Z"))));
        Assert.Equal(inStore, events);

        var cacheDir = Path.Combine(Path.GetTempPath(), "pipeline-cache-" + Guid.NewGuid().ToString("N"));
        try
        {
            var cache = new LocalSnapshotCache(storage, cacheDir);
            var files = await cache.EnsureLocalAsync(days);
            using (var connection = DuckDbQuery.OpenWithEvents(files))
            {
                var rows = DuckDbQuery.ReadRows(connection, "SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS ids, MIN(created_at) AS first FROM events");
                Assert.Equal(inStore, rows[0]["n"]!.GetValue<long>());
                Assert.Equal(inStore, rows[0]["ids"]!.GetValue<long>());
                Assert.StartsWith("2025-06-0", rows[0]["first"]!.GetValue<string>());
            }
            // Unchanged partitions are not downloaded again; a re-exported one is.
            var stamp = File.GetLastWriteTimeUtc(files[0]);
            await cache.EnsureLocalAsync(days);
            Assert.Equal(stamp, File.GetLastWriteTimeUtc(files[0]));
            await Task.Delay(20);
            await exporter.ExportDaysAsync(days);
            await cache.EnsureLocalAsync(days);
            Assert.NotEqual(stamp, File.GetLastWriteTimeUtc(files[0]));
        }
        finally
        {
            Directory.Delete(cacheDir, recursive: true);
        }
    }

    [Fact]
    public async Task Aggregation_over_postgres_and_azurite_fills_the_trends_and_serves_them()
    {
        using var store = await SeededStoreAsync(0.1);
        var storage = Storage();
        var root = Path.Combine(Path.GetTempPath(), "pipeline-analytics-it-" + Guid.NewGuid().ToString("N"));
        using var host = AggregationTestHost.Build(store, storage, azurite.Azurite.ConnectionString, root);
        await host.StartAsync();
        try
        {
            var client = host.Services.GetRequiredService<DurableTaskClient>();
            var starter = host.Services.GetRequiredService<AggregateTrendsStarter>();
            var id = await starter.StartAsync(client, new AggregateTrendsRequest(), "test");
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
            var state = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);

            Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
            var run = await store.GetAsync(Collections.JobRuns, id);
            Assert.Equal("succeeded", run!["status"]!.GetValue<string>());
            // Weekly counts are of distinct activity keys: summed over weeks they equal the distinct (week, key) pairs.
            var stored = await store.FindAsync(Collections.Events, DocumentQuery.All.Select("created_at", "activity_key"));
            var expected = stored.Select(d => (Pipeline.Analytics.Planning.Periods.WeekStart(DateOnly.FromDateTime(DateTime.Parse(d["created_at"]!.GetValue<string>(),
                System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal))), d["activity_key"]!.GetValue<string>())).Distinct().Count();
            var weekly = await store.FindAsync(AnalyticsCollections.ActivityWeekly, DocumentQuery.All);
            Assert.Equal(expected, weekly.Sum(d => d["events"]!.GetValue<long>()));
            Assert.NotEmpty(await storage.ListAsync("events/date="));

            var trends = host.Services.GetRequiredService<TrendsQueryService>();
            var activity = await trends.QueryAsync(new TrendQuery("activity", new DateOnly(2025, 1, 1), new DateOnly(2025, 7, 16), 1));
            Assert.Equal(2, activity.Series.Count);
            Assert.True(activity.Series[0].Total > activity.Series[1].Total, "the generated history grows year over year");
            var dims = await trends.DimensionsAsync();
            Assert.Contains(dims.Repositories, r => r.Repo == "contoso/quantum-sdk" && r.Language == "C#");

            // A second run with nothing new recomputes nothing and keeps every document.
            var count = await store.CountAsync(AnalyticsCollections.RepoWeekly);
            var again = await starter.StartAsync(client, new AggregateTrendsRequest(), "test");
            var second = await client.WaitForInstanceCompletionAsync(again, getInputsAndOutputs: true, cts.Token);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, second.RuntimeStatus);
            Assert.Equal(0, (await store.GetAsync(Collections.JobRuns, again))!["touched_days"]!.GetValue<int>());
            Assert.Equal(count, await store.CountAsync(AnalyticsCollections.RepoWeekly));
        }
        finally
        {
            await host.StopAsync();
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }
}
