using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Pipeline.Embedded;
using Pipeline.LocalHost.Durable;

namespace Pipeline.LocalHost;

/// <summary>
/// A Durable Task gRPC sidecar (the protocol the Functions host speaks to isolated workers) backed by
/// DurableTask.AzureStorage — the storage provider Durable Functions uses by default — on Azurite or a real account.
/// Orchestration state lives in storage, so it survives a kill -9 of this process.
/// <para>The gRPC server is <c>TaskHubGrpcServer</c> from Microsoft.DurableTask.InProcessTestHost; it reaches the provider
/// only through <see cref="CoreTypesOrchestrationService"/>, which maps what it writes to DurableTask.Core's own types
/// (without it, every sub-orchestration's start message is unreadable to DurableTask.AzureStorage).
/// tests/Pipeline.IntegrationTests/Durable is the conformance suite for this backend.</para>
/// </summary>
internal sealed class DurableSidecar : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Func<AzureStorageOrchestrationServiceSettings> _settings;

    private DurableSidecar(WebApplication app, Func<AzureStorageOrchestrationServiceSettings> settings, string address)
    {
        _app = app;
        _settings = settings;
        Address = address;
    }

    /// <summary>The sidecar's gRPC address (http://127.0.0.1:port, HTTP/2 without TLS).</summary>
    public string Address { get; }

    public static async Task<DurableSidecar> StartAsync(string storageConnectionString, string taskHubName, ILoggerFactory loggerFactory, CancellationToken ct = default)
    {
        var settings = Settings(storageConnectionString, taskHubName, loggerFactory);
        var storage = new AzureStorageOrchestrationService(settings());
        await storage.CreateIfNotExistsAsync();
        var service = new CoreTypesOrchestrationService(storage, storage, loggerFactory.CreateLogger<CoreTypesOrchestrationService>());

        var port = PortFinder.FreeTcpPort();
        var address = $"http://127.0.0.1:{port}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // The sidecar's own request logs are noise for users; its warnings and errors still reach the console.
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(k => k.ListenLocalhost(port, o => o.Protocols = HttpProtocols.Http2));
        builder.WebHost.UseUrls();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<IOrchestrationService>(service);
        builder.Services.AddSingleton<IOrchestrationServiceClient>(service);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        var app = builder.Build();
        app.MapGrpcService<TaskHubGrpcServer>();
        await app.StartAsync(ct);
        return new DurableSidecar(app, settings, address);
    }

    /// <summary>
    /// Creates the task hub's queues, tables and lease blobs that are missing (idempotent). Called after the embedded
    /// Azurite restarted: Azurite saves its metadata on a timer, so a kill can lose the task hub created just before it.
    /// The running provider creates its task hub once per instance (a cached task), so a second instance with the same
    /// settings, never started, does it again; the running one's polling and lease renewals then find everything in place.
    /// </summary>
    public async Task EnsureTaskHubAsync()
    {
        var repair = new AzureStorageOrchestrationService(_settings());
        try
        {
            await repair.CreateIfNotExistsAsync();
        }
        finally
        {
            (repair as IDisposable)?.Dispose();
        }
    }

    private static Func<AzureStorageOrchestrationServiceSettings> Settings(string storageConnectionString, string taskHubName, ILoggerFactory loggerFactory)
    {
        // A restarted host must not pass for the worker that died (same machine name, and in tests the same process): a
        // distinct worker id per start makes it take over the dead worker's partition leases once they expire. The
        // repair instance of EnsureTaskHubAsync shares it.
        var workerId = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
        return () => new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = taskHubName,
            StorageAccountClientProvider = new StorageAccountClientProvider(storageConnectionString),
            LoggerFactory = loggerFactory,
            PartitionCount = 4,
            WorkerId = workerId,
            // Locally there is one worker: poll queues briskly so orchestrations feel immediate.
            MaxQueuePollingInterval = TimeSpan.FromSeconds(1),
            // After a crash, messages the dead process had dequeued reappear only when their visibility timeout ends
            // (5 minutes by default); locally, resuming within seconds matters more. Live work items renew their locks.
            ControlQueueVisibilityTimeout = TimeSpan.FromSeconds(20),
            WorkItemQueueVisibilityTimeout = TimeSpan.FromSeconds(20),
            LeaseInterval = TimeSpan.FromSeconds(15),
            LeaseRenewInterval = TimeSpan.FromSeconds(5),
        };
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _app.StopAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopping waits for in-flight work items; past the grace period we leave them to storage, which is durable.
        }
        await _app.DisposeAsync();
    }
}
