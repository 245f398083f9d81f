using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.LocalHost;

namespace Pipeline.IntegrationTests.Durable;

/// <summary>
/// The durable backend <c>make run</c> uses, in the test process: the local host's <see cref="DurableSidecar"/> (gRPC sidecar
/// over DurableTask.AzureStorage) on a real Azurite, with a worker and client wired exactly as functions/Pipeline.LocalHost's
/// Program.cs wires them (<c>AddDurableTaskWorker</c>/<c>AddDurableTaskClient</c> with <c>UseGrpc</c>). Disposing it stops
/// worker and sidecar; starting another on the same hub resumes from storage, as a restarted host does.
/// </summary>
internal sealed class AzureStorageDurableHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly DurableSidecar _sidecar;
    private bool _disposed;

    private AzureStorageDurableHost(IHost host, DurableSidecar sidecar)
    {
        _host = host;
        _sidecar = sidecar;
    }

    public DurableTaskClient Client => _host.Services.GetRequiredService<DurableTaskClient>();
    public IServiceProvider Services => _host.Services;

    /// <summary>A task hub name of its own per test (Azure Storage rules: a letter first, letters and digits, at most 45).</summary>
    public static string NewHubName(string prefix) => (prefix + Guid.NewGuid().ToString("N"))[..Math.Min(40, prefix.Length + 32)];

    public static async Task<AzureStorageDurableHost> StartAsync(string storageConnectionString, string hubName,
        Action<DurableTaskRegistry> register, Action<IServiceCollection>? configureServices = null)
    {
        var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
        var sidecar = await DurableSidecar.StartAsync(storageConnectionString, hubName, loggerFactory);
        try
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
            configureServices?.Invoke(builder.Services);
            builder.Services.AddDurableTaskClient(b => b.UseGrpc(sidecar.Address));
            builder.Services.AddDurableTaskWorker(b =>
            {
                b.UseGrpc(sidecar.Address);
                b.AddTasks(register);
            });
            var host = builder.Build();
            await host.StartAsync();
            return new AzureStorageDurableHost(host, sidecar);
        }
        catch
        {
            await sidecar.DisposeAsync();
            throw;
        }
    }

    /// <summary>Polls (rather than holding a long gRPC wait, which a stopped sidecar would cut) until the instance ends.</summary>
    public async Task<OrchestrationMetadata> WaitForEndAsync(string instanceId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        OrchestrationMetadata? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true);
            if (last is { IsCompleted: true }) return last;
            await Task.Delay(250);
        }
        throw new TimeoutException($"{instanceId} did not end within {timeout} (last status {last?.RuntimeStatus.ToString() ?? "none"}, " +
            $"custom status {last?.SerializedCustomStatus ?? "none"})");
    }

    /// <summary>Polls until <paramref name="condition"/> holds for the instance's metadata.</summary>
    public async Task<OrchestrationMetadata> WaitUntilAsync(string instanceId, Func<OrchestrationMetadata, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        OrchestrationMetadata? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true);
            if (last is not null && condition(last)) return last;
            await Task.Delay(250);
        }
        throw new TimeoutException($"{instanceId} did not reach the expected state within {timeout} (last status " +
            $"{last?.RuntimeStatus.ToString() ?? "none"}, custom status {last?.SerializedCustomStatus ?? "none"})");
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await _host.StopAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
        }
        _host.Dispose();
        await _sidecar.DisposeAsync();
    }
}
