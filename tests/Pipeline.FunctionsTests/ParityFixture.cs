using System.Text.RegularExpressions;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Api.Management;
using Pipeline.Orchestration.Analytics;
using Pipeline.Storage;
using Pipeline.Testing.Hosting;
using Pipeline.Testing.Storage;

namespace Pipeline.FunctionsTests;

/// <summary>
/// Both hosts over the same backing servers: the Functions app's host (Program.cs's composition) and the real local host
/// process (functions/Pipeline.LocalHost, `make run`'s launcher) pointed at the same PostgreSQL, Azurite and Kafka mock
/// cluster, so it starts none of its own. The Functions triggers get a Durable Task client of the local host's sidecar:
/// both hosts see one durable backend (on the shared Azurite), as the Functions host and its worker do in Azure. The store
/// holds real event shapes (GitHub's webhook examples) and one finished aggregation run.
/// </summary>
public sealed class ParityFixture : IAsyncLifetime
{
    private readonly FunctionsServersFixture _servers = new();
    private readonly string _data = Path.Combine(Path.GetTempPath(), "pipeline-parity-" + Guid.NewGuid().ToString("N")[..8]);
    private ServiceProvider? _durableServices;

    public IServiceProvider Functions => _servers.Host.Services;

    public IReadOnlyDictionary<string, string?> Settings => _servers.Settings;

    public LocalHostProcess Local { get; private set; } = null!;

    public DurableTaskClient Durable { get; private set; } = null!;

    /// <summary>A stored event's id (GET /api/events/{id}).</summary>
    public string EventId { get; private set; } = "";

    /// <summary>A completed aggregation instance (status, list).</summary>
    public string AggregationId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        // The allow-lists both hosts read (the local host would otherwise default them to its data folder).
        Directory.CreateDirectory(Path.Combine(_data, "imports"));
        Directory.CreateDirectory(Path.Combine(_data, "repos"));
        _servers.Settings["Backfill:AllowedRoots:0"] = Path.Combine(_data, "imports");
        _servers.Settings["Audit:AllowedRoots:0"] = Path.Combine(_data, "repos");
        await _servers.InitializeAsync();
        var environment = _servers.Settings.Where(s => s.Value is not null)
            .ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!, StringComparer.OrdinalIgnoreCase);
        Local = await LocalHostProcess.StartAsync(Path.Combine(_data, "local"), environment);
        var address = Regex.Match(Local.LogTail(400), @"Durable Task sidecar \(.*\) at (http://\S+)").Groups[1].Value;
        if (address.Length == 0)
        {
            throw new InvalidOperationException("the local host did not log its Durable Task sidecar's address:" + Environment.NewLine + Local.LogTail());
        }
        _durableServices = new ServiceCollection().AddLogging().AddDurableTaskClient(b => b.UseGrpc(address)).BuildServiceProvider();
        Durable = _durableServices.GetRequiredService<DurableTaskClient>();

        var events = GitHubExamples.Events("issues", "pull_request", "push").Take(40).ToList();
        await Functions.GetRequiredService<IEventSink>().WriteAsync(events);
        EventId = events[0].Id;

        // A finished aggregation over those events, run by the local host's durable worker.
        var starter = Functions.GetRequiredService<AggregateTrendsStarter>();
        AggregationId = await starter.StartAsync(Durable, new AggregateTrendsRequest(), "parity");
        using var wait = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var done = await Durable.WaitForInstanceCompletionAsync(AggregationId, getInputsAndOutputs: false, wait.Token);
        if (done.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
        {
            throw new InvalidOperationException($"the aggregation {AggregationId} ended {done.RuntimeStatus}: {done.FailureDetails?.ErrorMessage}");
        }
        if (!AggregationId.StartsWith(ManagedOperation.Aggregation.InstanceIdPrefix, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the aggregation's id {AggregationId} is not under {ManagedOperation.Aggregation.Collection}");
        }
    }

    public async Task DisposeAsync()
    {
        if (_durableServices is not null) await _durableServices.DisposeAsync();
        if (Local is not null) await Local.DisposeAsync();
        await _servers.DisposeAsync();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A server may still hold a file for a moment; the temp folder is cleaned by the OS later.
        }
    }
}
