namespace Pipeline.Ingestion.Polling;

/// <summary>Where the poller keeps its state between runs and restarts.</summary>
public interface IPollerStateStore
{
    Task<ResourcePollState?> LoadAsync(string repo, string resource, CancellationToken ct = default);

    Task SaveAsync(string repo, string resource, ResourcePollState state, CancellationToken ct = default);

    Task<GlobalPollState> LoadGlobalAsync(CancellationToken ct = default);

    Task SaveGlobalAsync(GlobalPollState state, CancellationToken ct = default);
}
