using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Domain;
using Pipeline.ML.Data;
using Pipeline.Storage;

namespace Pipeline.ML.Serving;

/// <summary>
/// Repository-activity and author-history features for serving, computed from the <c>issues</c> collection the same way
/// as for training. Lookups never wait on the store: a miss returns the neutral defaults and refreshes in the background,
/// entries expire after <c>Ml:Serving:FeatureCacheSeconds</c>.
/// </summary>
public sealed class HistoryFeatureCache(IDocumentStore store, IOptions<MlOptions> options, ILogger<HistoryFeatureCache> logger)
{
    private sealed record Entry(float A, float B, DateTime FetchedAt);

    private readonly ConcurrentDictionary<string, Entry> _repos = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Entry> _authors = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Task> _inFlight = new();

    private TimeSpan Ttl => TimeSpan.FromSeconds(options.Value.Serving.FeatureCacheSeconds);

    public HistoryFeatures Get(string repo, string? author)
    {
        var now = DateTime.UtcNow;
        var r = Lookup(_repos, "repo:" + repo, repo, now, FetchRepoAsync);
        var a = string.IsNullOrWhiteSpace(author) ? null : Lookup(_authors, "author:" + author, author, now, FetchAuthorAsync);
        return new HistoryFeatures(r?.A ?? 0, r?.B ?? 0, a?.A ?? 0, a?.B ?? 0.5f);
    }

    /// <summary>Fetches both entries now (webhook path and tests, where waiting is fine).</summary>
    public async Task<HistoryFeatures> GetFreshAsync(string repo, string? author, CancellationToken ct = default)
    {
        var now = DateTime.UtcNow;
        var r = await FetchRepoAsync(repo, ct);
        _repos["repo:" + repo] = r with { FetchedAt = now };
        Entry? a = null;
        if (!string.IsNullOrWhiteSpace(author))
        {
            a = await FetchAuthorAsync(author, ct);
            _authors["author:" + author] = a with { FetchedAt = now };
        }
        return new HistoryFeatures(r.A, r.B, a?.A ?? 0, a?.B ?? 0.5f);
    }

    private Entry? Lookup(ConcurrentDictionary<string, Entry> cache, string key, string value, DateTime now, Func<string, CancellationToken, Task<Entry>> fetch)
    {
        cache.TryGetValue(key, out var entry);
        if (entry is null || now - entry.FetchedAt > Ttl)
        {
            _inFlight.GetOrAdd(key, k => Task.Run(async () =>
            {
                try
                {
                    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    var fresh = await fetch(value, cts.Token);
                    cache[key] = fresh with { FetchedAt = DateTime.UtcNow };
                }
                catch (Exception ex)
                {
                    logger.LogDebug(ex, "History features for {Key} unavailable; using defaults", key);
                    // Remember the defaults briefly so an outage does not start a fetch per request.
                    cache[key] = (entry ?? new Entry(0, key.StartsWith("author:") ? 0.5f : 0, default)) with { FetchedAt = DateTime.UtcNow - Ttl + TimeSpan.FromSeconds(30) };
                }
                finally
                {
                    _inFlight.TryRemove(key, out _);
                }
            }));
        }
        return entry;
    }

    private async Task<Entry> FetchRepoAsync(string repo, CancellationToken ct)
    {
        var since = IssueDocumentSchema.FormatTime(DateTime.UtcNow.AddDays(-30));
        var activity = await store.CountAsync(Collections.Issues, DocumentQuery.Where(
            new FieldFilter("repo", FilterOp.Eq, repo), new FieldFilter("created_at", FilterOp.Gte, since)), ct);
        var closed = await store.FindAsync(Collections.Issues, DocumentQuery.Where(
                new FieldFilter("repo", FilterOp.Eq, repo), new FieldFilter("state", FilterOp.Eq, "closed"))
            .OrderBy("closed_at", descending: true).Take(200), ct);
        var days = closed.Select(DaysToClose).Where(d => d is not null).Select(d => d!.Value).ToList();
        return new Entry(activity, days.Count == 0 ? 0f : (float)days.Average(), DateTime.UtcNow);
    }

    private async Task<Entry> FetchAuthorAsync(string author, CancellationToken ct)
    {
        var prior = await store.CountAsync(Collections.Issues, DocumentQuery.Where(new FieldFilter("author", FilterOp.Eq, author)), ct);
        var closed = await store.FindAsync(Collections.Issues, DocumentQuery.Where(
                new FieldFilter("author", FilterOp.Eq, author), new FieldFilter("state", FilterOp.Eq, "closed"))
            .OrderBy("closed_at", descending: true).Take(100), ct);
        var days = closed.Select(DaysToClose).Where(d => d is not null).Select(d => d!.Value).ToList();
        return new Entry(prior, (days.Count(d => d <= 7) + 1f) / (days.Count + 2f), DateTime.UtcNow);
    }

    private static double? DaysToClose(System.Text.Json.Nodes.JsonObject doc)
    {
        if (doc["created_at"]?.GetValueKind() != JsonValueKind.String || doc["closed_at"]?.GetValueKind() != JsonValueKind.String) return null;
        var c = IssueDocumentSchema.ParseTime(doc["created_at"]!.GetValue<string>());
        var d = IssueDocumentSchema.ParseTime(doc["closed_at"]!.GetValue<string>());
        return c is null || d is null ? null : Math.Max(0, (d.Value - c.Value).TotalDays);
    }
}
