using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Pipeline.Domain;
using Pipeline.Storage;

namespace Pipeline.Ingestion.Polling;

/// <summary><see cref="IPollerStateStore"/> over the document store's <c>poller_state</c> collection.</summary>
internal sealed class DocumentPollerStateStore(IDocumentStore store) : IPollerStateStore
{
    /// <summary>How state is serialised into the document (shared with test doubles so they round-trip the same way).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public const string GlobalId = "_global";

    public static string Id(string repo, string resource) => $"{repo.ToLowerInvariant()}:{resource}";

    public async Task<ResourcePollState?> LoadAsync(string repo, string resource, CancellationToken ct = default)
    {
        var doc = await store.GetAsync(Collections.PollerState, Id(repo, resource), ct).ConfigureAwait(false);
        return doc?["state"]?.Deserialize<ResourcePollState>(Json);
    }

    public Task SaveAsync(string repo, string resource, ResourcePollState state, CancellationToken ct = default) =>
        store.UpsertAsync(Collections.PollerState, Id(repo, resource), new JsonObject
        {
            ["repo"] = repo,
            ["resource"] = resource,
            ["updatedAt"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["state"] = JsonSerializer.SerializeToNode(state, Json),
        }, ct);

    public async Task<GlobalPollState> LoadGlobalAsync(CancellationToken ct = default)
    {
        var doc = await store.GetAsync(Collections.PollerState, GlobalId, ct).ConfigureAwait(false);
        return doc?["state"]?.Deserialize<GlobalPollState>(Json) ?? new GlobalPollState();
    }

    public Task SaveGlobalAsync(GlobalPollState state, CancellationToken ct = default) =>
        store.UpsertAsync(Collections.PollerState, GlobalId, new JsonObject { ["state"] = JsonSerializer.SerializeToNode(state, Json) }, ct);
}
