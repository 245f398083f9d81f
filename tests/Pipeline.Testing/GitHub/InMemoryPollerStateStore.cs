using System.Collections.Concurrent;
using System.Text.Json;
using Pipeline.Ingestion.Polling;

namespace Pipeline.Testing.GitHub;

/// <summary>An in-process <see cref="IPollerStateStore"/> for tests. State round-trips
/// through JSON exactly as the document store keeps it.</summary>
public sealed class InMemoryPollerStateStore : IPollerStateStore
{
    private readonly ConcurrentDictionary<string, string> _docs = new();

    public int Saves;

    public Task<ResourcePollState?> LoadAsync(string repo, string resource, CancellationToken ct = default) =>
        Task.FromResult(_docs.TryGetValue(DocumentPollerStateStore.Id(repo, resource), out var json)
            ? JsonSerializer.Deserialize<ResourcePollState>(json, DocumentPollerStateStore.Json)
            : null);

    public Task SaveAsync(string repo, string resource, ResourcePollState state, CancellationToken ct = default)
    {
        Interlocked.Increment(ref Saves);
        _docs[DocumentPollerStateStore.Id(repo, resource)] = JsonSerializer.Serialize(state, DocumentPollerStateStore.Json);
        return Task.CompletedTask;
    }

    public Task<GlobalPollState> LoadGlobalAsync(CancellationToken ct = default) =>
        Task.FromResult(_docs.TryGetValue(DocumentPollerStateStore.GlobalId, out var json)
            ? JsonSerializer.Deserialize<GlobalPollState>(json, DocumentPollerStateStore.Json)!
            : new GlobalPollState());

    public Task SaveGlobalAsync(GlobalPollState state, CancellationToken ct = default)
    {
        _docs[DocumentPollerStateStore.GlobalId] = JsonSerializer.Serialize(state, DocumentPollerStateStore.Json);
        return Task.CompletedTask;
    }
}
