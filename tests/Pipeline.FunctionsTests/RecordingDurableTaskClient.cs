using System.Collections.Concurrent;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Pipeline.FunctionsTests;

/// <summary>A DurableTaskClient that records the orchestrations it is asked to start and knows them afterwards (so a second
/// start of the same id is visible to the caller's existence check). Every other operation is not part of these tests.</summary>
internal sealed class RecordingDurableTaskClient() : DurableTaskClient("recording")
{
    public ConcurrentDictionary<string, (string Orchestrator, object? Input)> Started { get; } = new(StringComparer.Ordinal);

    public override Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null,
        StartOrchestrationOptions? options = null, CancellationToken cancellation = default)
    {
        var id = options?.InstanceId ?? Guid.NewGuid().ToString("N");
        if (!Started.TryAdd(id, (orchestratorName.Name, input)))
        {
            throw new InvalidOperationException($"instance {id} already exists");
        }
        return Task.FromResult(id);
    }

    public override Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        Task.FromResult(Started.TryGetValue(instanceId, out var s)
            ? new OrchestrationMetadata(s.Orchestrator, instanceId) { RuntimeStatus = OrchestrationRuntimeStatus.Pending }
            : null);

    public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default) =>
        throw new NotSupportedException();

    public override Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        throw new NotSupportedException();

    public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        throw new NotSupportedException();

    public override Task TerminateInstanceAsync(string instanceId, object? output = null, CancellationToken cancellation = default) =>
        throw new NotSupportedException();

    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        throw new NotSupportedException();

    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        throw new NotSupportedException();

    /// <summary>The recorded instances, one page (the management list routes page through this).</summary>
    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) =>
        Pageable.Create((string? _, int? _, CancellationToken _) => Task.FromResult(new Page<OrchestrationMetadata>(
            Started.Where(p => filter?.InstanceIdPrefix is not { } prefix || p.Key.StartsWith(prefix, StringComparison.Ordinal))
                .Select(p => new OrchestrationMetadata(p.Value.Orchestrator, p.Key) { RuntimeStatus = OrchestrationRuntimeStatus.Pending }).ToList(),
            null)));

    public override Task<PurgeResult> PurgeInstanceAsync(string instanceId, CancellationToken cancellation = default) =>
        throw new NotSupportedException();

    public override Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, CancellationToken cancellation = default) =>
        throw new NotSupportedException();

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
