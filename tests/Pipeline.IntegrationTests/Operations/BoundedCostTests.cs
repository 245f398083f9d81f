using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Api.Dashboard;
using Pipeline.Api.Operations;
using Pipeline.Ingestion.Kafka;
using Pipeline.Storage;
using Pipeline.Testing.Kafka;
using Pipeline.Testing.Storage;

namespace Pipeline.IntegrationTests.Operations;

/// <summary>Anonymous routes cost a bounded amount: the ingestion status is computed at most once per interval, the asset cache cannot grow.</summary>
[Collection(KafkaFixture.Collection)]
public sealed class BoundedCostTests(KafkaFixture kafka, PostgresFixture postgres)
{
    [Fact]
    public async Task Ingestion_status_queries_the_broker_and_store_at_most_once_per_interval_however_many_callers()
    {
        var store = await postgres.CreateStoreAsync("status");
        await StoreSchema.EnsureAsync(store);
        var configs = new ClientConfigFactory(Options.Create(kafka.NewTopics("status")));
        var status = new IngestionStatusService(store, configs, new ServiceCollection().BuildServiceProvider());

        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => status.GetAsync(CancellationToken.None)));
        for (var i = 0; i < 50; i++) await status.GetAsync(CancellationToken.None);

        Assert.Equal(1, status.Computations);
        Assert.All(answers, a => Assert.Equal(0, a.DlqCount));
        await Task.Delay(IngestionStatusService.CacheFor + TimeSpan.FromMilliseconds(500));
        await status.GetAsync(CancellationToken.None);
        Assert.Equal(2, status.Computations);
    }

    [Fact]
    public void Unknown_dashboard_asset_names_are_404_and_never_cached()
    {
        for (var i = 0; i < 2_000; i++)
        {
            var result = DashboardHandlers.GetAsset(new DefaultHttpContext().Request, $"missing-{i}.js");
            Assert.IsType<Microsoft.AspNetCore.Http.HttpResults.NotFound>(result);
        }
        foreach (var name in DashboardHandlers.AssetNames.Where(n => n != "index.html")) DashboardHandlers.GetAsset(new DefaultHttpContext().Request, name);
        Assert.InRange(DashboardHandlers.CachedCount, 1, DashboardHandlers.AssetNames.Count);
    }
}
