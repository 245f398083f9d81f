using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Pipeline.Analytics;
using Pipeline.Analytics.Jobs;
using Pipeline.Analytics.Snapshot;
using Pipeline.Api.Dashboard;
using Pipeline.Api.Trends;
using Pipeline.Domain;
using Pipeline.Orchestration.Analytics;
using Pipeline.Storage;

namespace Pipeline.UnitTests.Analytics;

/// <summary>
/// A real host for analytics tests: Kestrel on 127.0.0.1 (free port) with the trends, jobs and dashboard routes, the
/// analytics services over the given store and snapshot storage, and the real orchestrators on an in-memory Durable
/// Task backend (Microsoft.DurableTask.InProcessTestHost) resolving activities from this container.
/// </summary>
public sealed class AnalyticsTestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AnalyticsTestApp(WebApplication app, string root)
    {
        _app = app;
        Root = root;
    }

    public string Root { get; }
    public string BaseUrl => _app.Urls.First();
    public IServiceProvider Services => _app.Services;
    public DurableTaskClient Client => _app.Services.GetRequiredService<DurableTaskClient>();
    public IDocumentStore Store => _app.Services.GetRequiredService<IDocumentStore>();

    public static Task<AnalyticsTestApp> StartAsync(
        IDocumentStore store,
        ISnapshotStorage? storage = null,
        IReadOnlyDictionary<string, string?>? settings = null,
        ITrendsJobCatalog? catalog = null,
        Action<WebApplication>? mapExtra = null) =>
        Pipeline.Testing.Hosting.PortRetry.StartAsync(() => StartOnceAsync(store, storage, settings, catalog, mapExtra));

    private static async Task<AnalyticsTestApp> StartOnceAsync(
        IDocumentStore store,
        ISnapshotStorage? storage,
        IReadOnlyDictionary<string, string?>? settings,
        ITrendsJobCatalog? catalog,
        Action<WebApplication>? mapExtra)
    {
        var root = Path.Combine(Path.GetTempPath(), "pipeline-analytics-app-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.AddFilter(_ => false);
        var config = new Dictionary<string, string?>
        {
            ["Analytics:CacheDirectory"] = Path.Combine(root, "cache"),
            ["Analytics:MaxParallelJobs"] = "2",
            ["Analytics:JobMaxAttempts"] = "3",
            ["Analytics:JobFirstRetryInterval"] = "00:00:00.200",
            ["Analytics:ScheduleEnabled"] = "false",
            ["Analytics:StorageConnectionString"] = "UseDevelopmentStorage=true",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) config[k] = v;
        builder.Configuration.AddInMemoryCollection(config);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(storage ?? new LocalDirectorySnapshotStorage(Path.Combine(root, "snapshot")));
        if (catalog is not null) builder.Services.AddSingleton(catalog);
        builder.Services.AddPipelineAnalytics(builder.Configuration);
        builder.Services.AddPipelineAnalyticsOrchestration();
        builder.Services.Replace(ServiceDescriptor.Singleton(sp => new Pipeline.Analytics.Trends.TrendsQueryService(sp.GetRequiredService<IDocumentStore>())
        {
            CacheDuration = TimeSpan.Zero,
        }));
        builder.Services.AddInMemoryDurableTask(AnalyticsDurable.Register, new Microsoft.DurableTask.Testing.InMemoryDurableTaskOptions { Port = Pipeline.Embedded.PortFinder.FreeTcpPort() });
        var app = builder.Build();
        app.MapTrendsEndpoints();
        Pipeline.Api.Management.ManagementEndpoints.MapManagementEndpoints(app);
        app.MapDashboardEndpoints();
        mapExtra?.Invoke(app);
        await app.StartAsync();
        return new AnalyticsTestApp(app, root);
    }

    /// <summary>Runs the aggregation to its end; returns the orchestration state and the run document.</summary>
    public async Task<(OrchestrationMetadata State, JsonObject? Run)> RunAggregationAsync(AggregateTrendsInput input, TimeSpan? timeout = null)
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(AggregateTrendsOrchestrator), input);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        var state = await Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
        return (state, await Store.GetAsync(Collections.JobRuns, id));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
