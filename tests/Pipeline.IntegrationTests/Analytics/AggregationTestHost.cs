using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Analytics;
using Pipeline.Analytics.Snapshot;
using Pipeline.Orchestration.Analytics;
using Pipeline.Storage;

namespace Pipeline.IntegrationTests.Analytics;

/// <summary>The host in which the analytics integration tests run the real aggregation orchestration: the analytics
/// services over the given store and snapshot storage, their cache in <paramref name="cacheDirectory"/> (the caller
/// deletes it), no schedule, and the durable tasks on the in-memory test backend.</summary>
internal static class AggregationTestHost
{
    public static IHost Build(IDocumentStore store, ISnapshotStorage storage, string azuriteConnectionString, string cacheDirectory)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Analytics:CacheDirectory"] = cacheDirectory,
            ["Analytics:StorageConnectionString"] = azuriteConnectionString,
            ["Analytics:ScheduleEnabled"] = "false",
        });
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(storage);
        builder.Services.AddPipelineAnalytics(builder.Configuration);
        builder.Services.AddPipelineAnalyticsOrchestration();
        builder.Services.AddInMemoryDurableTask(AnalyticsDurable.Register, new InMemoryDurableTaskOptions { Port = Pipeline.Embedded.PortFinder.FreeTcpPort() });
        return builder.Build();
    }
}
