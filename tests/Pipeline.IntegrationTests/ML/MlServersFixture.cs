using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Api.Models;
using Pipeline.Api.Predict;
using Pipeline.Embedded;
using Pipeline.ML;
using Pipeline.ML.Serving;
using Pipeline.Notifications;
using Pipeline.Orchestration.ML;
using Pipeline.Storage;
using Pipeline.Storage.Postgres;

namespace Pipeline.IntegrationTests.ML;

/// <summary>Real PostgreSQL and real Azurite, started once for the ML integration tests.</summary>
public sealed class MlServersFixture : IAsyncLifetime
{
    public EmbeddedPostgres Postgres { get; private set; } = null!;
    public EmbeddedAzurite Azurite { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var pg = EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { Unsafe = true });
        var az = EmbeddedAzurite.StartAsync();
        await Task.WhenAll(pg, az);
        Postgres = pg.Result;
        Azurite = az.Result;
    }

    public async Task DisposeAsync()
    {
        if (Postgres is not null) await Postgres.DisposeAsync();
        if (Azurite is not null) await Azurite.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class MlServersCollection : ICollectionFixture<MlServersFixture>
{
    public const string Name = "ml-servers";
}

/// <summary>
/// The ML services as the local host runs them: ASP.NET Core on Kestrel (127.0.0.1, free port) with the predict and model
/// routes, a PostgresStore on a fresh database, artifacts in a fresh Azurite container, and the durable orchestrations on
/// Microsoft.DurableTask.InProcessTestHost. Training settings are small so tests stay fast.
/// </summary>
public sealed class MlTestApp : IAsyncDisposable
{
    private MlTestApp(WebApplication app, IDocumentStore store, FaultyStore faulty, string baseUrl)
    {
        App = app;
        Store = store;
        Faults = faulty;
        BaseUrl = baseUrl;
        Http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };
    }

    public WebApplication App { get; }
    public IServiceProvider Services => App.Services;
    /// <summary>The real store (no faults).</summary>
    public IDocumentStore Store { get; }
    /// <summary>The store the app uses: the real one behind a switch that can simulate an outage.</summary>
    public FaultyStore Faults { get; }
    public string BaseUrl { get; }
    public HttpClient Http { get; }

    public T Get<T>() where T : notnull => App.Services.GetRequiredService<T>();

    public DurableTaskClient Durable => Get<DurableTaskClient>();

    public static Dictionary<string, string?> DefaultSettings(MlServersFixture fx) => new()
    {
        ["Ml:BlobConnectionString"] = fx.Azurite.ConnectionString,
        ["Ml:ArtifactsContainer"] = "models-" + Guid.NewGuid().ToString("N")[..12],
        ["Ml:TrainAtStartup"] = "true",
        ["Ml:AllowSyntheticData"] = "true",
        ["Ml:Training:Grid"] = "small",
        ["Ml:Training:Trainers"] = "Sdca,LightGbm",
        ["Ml:Training:CvFolds"] = "2",
        ["Ml:Training:CvMaxRows"] = "1500",
        ["Ml:Training:GridBudgetSeconds"] = "30",
        ["Ml:Training:SyntheticIssues"] = "1500",
        ["Ml:Training:MinRealIssues"] = "300",
        ["Ml:Serving:ChampionRefreshSeconds"] = "1",
        ["Ml:Drift:MinSamples"] = "30",
        ["Ml:Monitor:MinLiveSamples"] = "20",
    };

    public static async Task<MlTestApp> StartAsync(MlServersFixture fx, Action<Dictionary<string, string?>>? configure = null)
    {
        var settings = DefaultSettings(fx);
        configure?.Invoke(settings);
        var store = new PostgresStore(await fx.Postgres.CreateDatabaseAsync("ml_" + Guid.NewGuid().ToString("N")[..8]));
        var faulty = new FaultyStore(store);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<IDocumentStore>(faulty);
        builder.Services.AddPipelineMl(builder.Configuration);
        builder.Services.AddPipelineNotifications(builder.Configuration); // SendAlertActivity e-mails too (Alerts:Email unset: skipped)
        builder.Services.AddInMemoryDurableTask(MlDurable.Register, new Microsoft.DurableTask.Testing.InMemoryDurableTaskOptions { Port = Pipeline.Embedded.PortFinder.FreeTcpPort() });
        var app = builder.Build();
        app.MapPredictEndpoints();
        app.MapModelEndpoints();
        Pipeline.Api.Management.ManagementEndpoints.MapManagementEndpoints(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new MlTestApp(app, store, faulty, address);
    }

    /// <summary>Waits until the background writer has written (or dropped) every queued prediction log entry.</summary>
    public Task FlushPredictionLogAsync() => Get<PredictionLogWriter>().FlushAsync(TimeSpan.FromSeconds(30));

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await Store.DisposeAsyncIfPossible();
    }
}

internal static class StoreDisposal
{
    public static async Task DisposeAsyncIfPossible(this IDocumentStore store)
    {
        if (store is IAsyncDisposable d) await d.DisposeAsync();
    }
}

/// <summary>
/// The real store behind an outage switch: while <see cref="Down"/> is set every call throws
/// <see cref="StoreUnavailableException"/>, as the adapters do when the server is unreachable.
/// </summary>
public sealed class FaultyStore(IDocumentStore inner) : IDocumentStore
{
    public volatile bool Down;
    private int _failedCalls;

    public int FailedCalls => Volatile.Read(ref _failedCalls);

    private void Check()
    {
        if (!Down) return;
        Interlocked.Increment(ref _failedCalls);
        throw new StoreUnavailableException("simulated outage");
    }

    public string Provider => inner.Provider;
    public Task EnsureCollectionsAsync(IEnumerable<CollectionDefinition> collections, CancellationToken ct = default) { Check(); return inner.EnsureCollectionsAsync(collections, ct); }
    public Task<bool> UpsertAsync(string collection, string id, JsonObject document, CancellationToken ct = default) { Check(); return inner.UpsertAsync(collection, id, document, ct); }
    public Task<int> UpsertManyAsync(string collection, IReadOnlyList<KeyValuePair<string, JsonObject>> documents, CancellationToken ct = default) { Check(); return inner.UpsertManyAsync(collection, documents, ct); }
    public Task<bool> InsertIfAbsentAsync(string collection, string id, JsonObject document, CancellationToken ct = default) { Check(); return inner.InsertIfAbsentAsync(collection, id, document, ct); }
    public Task<IReadOnlyList<string>> InsertManyIfAbsentAsync(string collection, IReadOnlyList<KeyValuePair<string, JsonObject>> documents, CancellationToken ct = default) { Check(); return inner.InsertManyIfAbsentAsync(collection, documents, ct); }
    public Task<JsonObject?> GetAsync(string collection, string id, CancellationToken ct = default) { Check(); return inner.GetAsync(collection, id, ct); }
    public Task<IReadOnlyList<JsonObject>> FindAsync(string collection, DocumentQuery query, CancellationToken ct = default) { Check(); return inner.FindAsync(collection, query, ct); }
    public Task<long> CountAsync(string collection, DocumentQuery? query = null, CancellationToken ct = default) { Check(); return inner.CountAsync(collection, query, ct); }
    public Task<bool> DeleteAsync(string collection, string id, CancellationToken ct = default) { Check(); return inner.DeleteAsync(collection, id, ct); }
    public Task<long> DeleteManyAsync(string collection, DocumentQuery query, CancellationToken ct = default) { Check(); return inner.DeleteManyAsync(collection, query, ct); }
    public Task PingAsync(CancellationToken ct = default) { Check(); return inner.PingAsync(ct); }
}
