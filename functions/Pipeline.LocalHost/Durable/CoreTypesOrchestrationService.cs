using DurableTask.Core;
using DurableTask.Core.History;
using DurableTask.Core.Query;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pipeline.LocalHost.Durable;

/// <summary>
/// The storage provider as the gRPC sidecar sees it, with every message, history event and state the sidecar writes passed
/// through <see cref="CoreHistoryNormalizer"/> first, so the provider persists only DurableTask.Core's own types. Everything
/// else is forwarded unchanged, including the query and purge clients the sidecar looks for by type, except that stopping
/// never throws (see <see cref="StopAsync(bool)"/>).
/// </summary>
internal sealed partial class CoreTypesOrchestrationService(IOrchestrationService service, IOrchestrationServiceClient client,
    ILogger? logger = null, TimeSpan? stopTimeout = null)
    : IOrchestrationService, IOrchestrationServiceClient, IOrchestrationServiceQueryClient, IOrchestrationServicePurgeClient
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly TimeSpan _stopTimeout = stopTimeout ?? TimeSpan.FromSeconds(30);

    // ---- the writes the sidecar makes: normalised ----

    public Task CompleteTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem, OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages, IList<TaskMessage> orchestratorMessages, IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage, OrchestrationState orchestrationState)
    {
        ArgumentNullException.ThrowIfNull(workItem);
        outboundMessages = CoreHistoryNormalizer.Normalize(outboundMessages);
        orchestratorMessages = CoreHistoryNormalizer.Normalize(orchestratorMessages);
        timerMessages = CoreHistoryNormalizer.Normalize(timerMessages);
        if (continuedAsNewMessage is not null) continuedAsNewMessage = CoreHistoryNormalizer.Normalize(continuedAsNewMessage);
        CoreHistoryNormalizer.Normalize(newOrchestrationRuntimeState);
        if (!ReferenceEquals(workItem.OrchestrationRuntimeState, newOrchestrationRuntimeState)) CoreHistoryNormalizer.Normalize(workItem.OrchestrationRuntimeState);
        CopySubOrchestrationTags(newOrchestrationRuntimeState, orchestratorMessages);
        CoreHistoryNormalizer.Normalize(orchestrationState);
        return service.CompleteTaskOrchestrationWorkItemAsync(workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages,
            timerMessages, continuedAsNewMessage!, orchestrationState);
    }

    public Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage) =>
        service.CompleteTaskActivityWorkItemAsync(workItem, CoreHistoryNormalizer.Normalize(responseMessage));

    public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage) =>
        client.CreateTaskOrchestrationAsync(CoreHistoryNormalizer.Normalize(creationMessage));

    public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage, OrchestrationStatus[] dedupeStatuses) =>
        client.CreateTaskOrchestrationAsync(CoreHistoryNormalizer.Normalize(creationMessage), dedupeStatuses);

    public Task SendTaskOrchestrationMessageAsync(TaskMessage message) =>
        client.SendTaskOrchestrationMessageAsync(CoreHistoryNormalizer.Normalize(message));

    public Task SendTaskOrchestrationMessageBatchAsync(params TaskMessage[] messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return client.SendTaskOrchestrationMessageBatchAsync([.. messages.Select(CoreHistoryNormalizer.Normalize)]);
    }

    /// <summary>Core's dispatcher records a sub-orchestration's tags on its SubOrchestrationInstanceCreated event; the sidecar
    /// puts them only on the child's ExecutionStarted message, so copy them across.</summary>
    private static void CopySubOrchestrationTags(OrchestrationRuntimeState? state, IList<TaskMessage> orchestratorMessages)
    {
        if (state is null) return;
        foreach (var created in state.NewEvents.OfType<SubOrchestrationInstanceCreatedEvent>())
        {
            if (created.Tags is not null) continue;
            var started = orchestratorMessages.Select(m => m.Event).OfType<ExecutionStartedEvent>()
                .FirstOrDefault(s => s.OrchestrationInstance?.InstanceId == created.InstanceId);
            if (started?.Tags is { Count: > 0 } tags) created.Tags = new Dictionary<string, string>(tags, StringComparer.Ordinal);
        }
    }

    // ---- IOrchestrationService: forwarded ----

    public int TaskOrchestrationDispatcherCount => service.TaskOrchestrationDispatcherCount;
    public int MaxConcurrentTaskOrchestrationWorkItems => service.MaxConcurrentTaskOrchestrationWorkItems;
    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => service.EventBehaviourForContinueAsNew;
    public int TaskActivityDispatcherCount => service.TaskActivityDispatcherCount;
    public int MaxConcurrentTaskActivityWorkItems => service.MaxConcurrentTaskActivityWorkItems;
    public Task StartAsync() => service.StartAsync();
    public Task StopAsync() => StopWithinTimeoutAsync(service.StopAsync());

    /// <summary>
    /// The sidecar stops the provider from an <c>async void</c> handler of ApplicationStopping
    /// (<c>TaskHubGrpcServer.OnApplicationStopping</c>), so an exception thrown here ends the whole process. When storage is
    /// gone, DurableTask.AzureStorage's partition manager throws a TimeoutException after ten minutes; a CI run's test
    /// process died of exactly that. Stopping is therefore bounded and never throws: orchestration state is in storage,
    /// and leases not released expire on their own.
    /// </summary>
    public Task StopAsync(bool isForced) => StopWithinTimeoutAsync(service.StopAsync(isForced));

    private async Task StopWithinTimeoutAsync(Task stopping)
    {
        try
        {
            await stopping.WaitAsync(_stopTimeout).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A stop that outlives the timeout goes on in the background; its later fault is unobserved, not fatal.
            LogProviderStopFailed(_logger, _stopTimeout.TotalSeconds, ex);
        }
    }

    [LoggerMessage(EventId = 8018, Level = LogLevel.Warning, Message = "The durable storage provider did not stop cleanly within {TimeoutSeconds} s; its state is in storage and its leases expire on their own")]
    private static partial void LogProviderStopFailed(ILogger logger, double timeoutSeconds, Exception exception);
    public Task CreateAsync() => service.CreateAsync();
    public Task CreateAsync(bool recreateInstanceStore) => service.CreateAsync(recreateInstanceStore);
    public Task CreateIfNotExistsAsync() => service.CreateIfNotExistsAsync();
    public Task DeleteAsync() => service.DeleteAsync();
    public Task DeleteAsync(bool deleteInstanceStore) => service.DeleteAsync(deleteInstanceStore);
    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) =>
        service.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);
    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => service.GetDelayInSecondsAfterOnProcessException(exception);
    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => service.GetDelayInSecondsAfterOnFetchException(exception);
    public async Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        var workItem = await service.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken).ConfigureAwait(false);
        await HoldEarlyTimersAsync(workItem, cancellationToken).ConfigureAwait(false);
        return workItem;
    }

    /// <summary>
    /// Azure Storage queues take visibility delays in whole seconds, so a timer message can become visible up to a second
    /// before its FireAt (the conformance suite measured 2.5 s for a 3 s timer). Core's contract is that a durable timer
    /// never fires early: hold such a work item (its lock is far longer than the wait) until the latest FireAt it carries.
    /// </summary>
    private static async Task HoldEarlyTimersAsync(TaskOrchestrationWorkItem? workItem, CancellationToken ct)
    {
        if (workItem?.NewMessages is not { Count: > 0 } messages) return;
        var due = messages.Select(m => m.Event).OfType<TimerFiredEvent>().Select(t => t.FireAt.ToUniversalTime()).DefaultIfEmpty(DateTime.MinValue).Max();
        // Task.Delay counts whole milliseconds and may wake a fraction of one early (seen: a 3 s timer after 2.9994 s):
        // wait again until the clock has passed FireAt.
        TimeSpan wait;
        while ((wait = due - DateTime.UtcNow) > TimeSpan.Zero && wait <= MaxTimerHold)
            await Task.Delay(wait + TimeSpan.FromMilliseconds(1), ct).ConfigureAwait(false);
    }

    private static readonly TimeSpan MaxTimerHold = TimeSpan.FromSeconds(5);
    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => service.RenewTaskOrchestrationWorkItemLockAsync(workItem);
    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => service.AbandonTaskOrchestrationWorkItemAsync(workItem);
    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => service.ReleaseTaskOrchestrationWorkItemAsync(workItem);
    public Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        service.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);
    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => service.RenewTaskActivityWorkItemLockAsync(workItem);
    public Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem) => service.AbandonTaskActivityWorkItemAsync(workItem);

    // ---- IOrchestrationServiceClient: reads forwarded ----

    public Task<OrchestrationState> WaitForOrchestrationAsync(string instanceId, string executionId, TimeSpan timeout, CancellationToken cancellationToken) =>
        client.WaitForOrchestrationAsync(instanceId, executionId, timeout, cancellationToken);
    public Task ForceTerminateTaskOrchestrationAsync(string instanceId, string reason) => client.ForceTerminateTaskOrchestrationAsync(instanceId, reason);
    public Task<IList<OrchestrationState>> GetOrchestrationStateAsync(string instanceId, bool allExecutions) =>
        client.GetOrchestrationStateAsync(instanceId, allExecutions);
    public Task<OrchestrationState> GetOrchestrationStateAsync(string instanceId, string executionId) =>
        client.GetOrchestrationStateAsync(instanceId, executionId);
    public Task<string> GetOrchestrationHistoryAsync(string instanceId, string executionId) => client.GetOrchestrationHistoryAsync(instanceId, executionId);
    public Task PurgeOrchestrationHistoryAsync(DateTime thresholdDateTimeUtc, OrchestrationStateTimeRangeFilterType timeRangeFilterType) =>
        client.PurgeOrchestrationHistoryAsync(thresholdDateTimeUtc, timeRangeFilterType);

    // ---- the optional clients the sidecar probes for ----

    public Task<OrchestrationQueryResult> GetOrchestrationWithQueryAsync(OrchestrationQuery query, CancellationToken cancellationToken) =>
        client is IOrchestrationServiceQueryClient q
            ? q.GetOrchestrationWithQueryAsync(query, cancellationToken)
            : throw new NotSupportedException($"{client.GetType().Name} doesn't support query operations.");

    public Task<PurgeResult> PurgeInstanceStateAsync(string instanceId) =>
        client is IOrchestrationServicePurgeClient p
            ? p.PurgeInstanceStateAsync(instanceId)
            : throw new NotSupportedException($"{client.GetType().Name} doesn't support purge operations.");

    public Task<PurgeResult> PurgeInstanceStateAsync(PurgeInstanceFilter purgeInstanceFilter) =>
        client is IOrchestrationServicePurgeClient p
            ? p.PurgeInstanceStateAsync(purgeInstanceFilter)
            : throw new NotSupportedException($"{client.GetType().Name} doesn't support purge operations.");
}
