using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Pipeline.Domain;
using Pipeline.Storage;

namespace Pipeline.Ingestion.Polling;

/// <summary>
/// What the poller remembers about one repository and resource (document <c>{repo}:{resource}</c> in <c>poller_state</c>),
/// saved only after the events of a page are published, so a restart neither re-publishes nor skips.
/// </summary>
public sealed record ResourcePollState
{
    /// <summary>Issues: the largest updated_at published (the next <c>since</c>). Stargazers: the largest starred_at published.</summary>
    public DateTimeOffset? Watermark { get; init; }

    /// <summary>Event ids already published whose time equals <see cref="Watermark"/> (<c>since</c> is inclusive).</summary>
    public List<string> AtWatermark { get; init; } = [];

    /// <summary>Issues: the <c>since</c> sent. It moves to <see cref="Watermark"/> only when a walk spans more than one page,
    /// so an unchanged repository is asked the very same URL again and answers 304 (the watermark filters the overlap).</summary>
    public DateTimeOffset? QuerySince { get; init; }

    /// <summary>Stargazers: the page to resume from (the list is in starring order; new stars append).</summary>
    public int ResumePage { get; init; } = 1;

    /// <summary>Releases: the largest release id published (ids only grow).</summary>
    public long MaxId { get; init; }

    /// <summary>Workflow runs: run id → the updated_at last published (bounded to the most recent runs).</summary>
    public Dictionary<string, string> Seen { get; init; } = [];

    /// <summary>ETag per request URL from the last run, sent back as If-None-Match.</summary>
    public Dictionary<string, string> ETags { get; init; } = [];

    public DateTimeOffset? LastPolledAt { get; init; }
}

/// <summary>Poller-wide state (document <c>_global</c>): when polling is paused for the rate limit.</summary>
public sealed record GlobalPollState
{
    public DateTimeOffset? PausedUntil { get; init; }
    public string? PauseReason { get; init; }
}

/// <summary>Where the poller keeps its state between runs and restarts.</summary>
public interface IPollerStateStore
{
    Task<ResourcePollState?> LoadAsync(string repo, string resource, CancellationToken ct = default);

    Task SaveAsync(string repo, string resource, ResourcePollState state, CancellationToken ct = default);

    Task<GlobalPollState> LoadGlobalAsync(CancellationToken ct = default);

    Task SaveGlobalAsync(GlobalPollState state, CancellationToken ct = default);
}

/// <summary><see cref="IPollerStateStore"/> over the document store's <c>poller_state</c> collection.</summary>
public sealed class DocumentPollerStateStore(IDocumentStore store) : IPollerStateStore
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
