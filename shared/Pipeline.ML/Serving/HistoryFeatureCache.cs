using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Domain;
using Pipeline.ML.Data;
using Pipeline.Storage;

namespace Pipeline.ML.Serving;

/// <summary>
/// What serving needs from the store to compute features exactly as training does: the repository's and the author's
/// issues (parsed with the same schema as the dataset builder) and the repository's language from the
/// <c>repositories</c> projection (<see cref="IssueDatasetBuilder.RepositoryLanguageField"/>). History features are then
/// computed by the training code itself (<see cref="IssueFeaturizer.HistoryOf"/>: issues strictly before the target's
/// creation), so served and trained features agree. The API path never waits on the store (a miss serves the neutral
/// defaults and refreshes in the background; entries expire after <c>Ml:Serving:FeatureCacheSeconds</c>); the opening-event
/// path reads fresh (<see cref="AtCreationAsync"/>).
/// </summary>
public sealed class HistoryFeatureCache(IDocumentStore store, IOptions<MlOptions> options, ILogger<HistoryFeatureCache> logger)
{
    private sealed record Entry(IReadOnlyList<IssueRecord> Issues, string Language, DateTime FetchedAt);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Task> _inFlight = new();

    private TimeSpan Ttl => TimeSpan.FromSeconds(options.Value.Serving.FeatureCacheSeconds);
    private int Cap => options.Value.Serving.MaxHistoryIssues;

    /// <summary>Features known at <paramref name="target"/>'s creation from cached store data (neutral defaults on a miss),
    /// and the repository language (null when not cached yet).</summary>
    internal (HistoryFeatures History, string? Language) Get(IssueRecord target)
    {
        var now = DateTime.UtcNow;
        var repo = Lookup("repo:" + target.Repo, now);
        var author = string.IsNullOrWhiteSpace(target.Author) || target.Author == "unknown" ? null : Lookup("author:" + target.Author, now);
        if (repo is null && author is null) return (HistoryFeatures.Empty, null);
        if (repo is not { Issues.Count: > 0 } && author is not { Issues.Count: > 0 }) return (IssueFeaturizer.NoPriorIssues, repo?.Language);
        return (IssueFeaturizer.HistoryOf(target, Union(repo?.Issues, author?.Issues)), repo?.Language);
    }

    /// <summary>Reads the store now (opening events and tests, where waiting is fine): history and language at creation.</summary>
    internal async Task<(HistoryFeatures History, string Language)> AtCreationAsync(IssueRecord target, CancellationToken ct = default)
    {
        var now = DateTime.UtcNow;
        var repo = await FetchAsync("repo:" + target.Repo, ct);
        _entries["repo:" + target.Repo] = repo with { FetchedAt = now };
        Entry? author = null;
        if (!string.IsNullOrWhiteSpace(target.Author) && target.Author != "unknown")
        {
            author = await FetchAsync("author:" + target.Author, ct);
            _entries["author:" + target.Author] = author with { FetchedAt = now };
        }
        return (IssueFeaturizer.HistoryOf(target, Union(repo.Issues, author?.Issues)), repo.Language);
    }

    private static IEnumerable<IssueRecord> Union(IReadOnlyList<IssueRecord>? a, IReadOnlyList<IssueRecord>? b)
    {
        if (b is null) return a ?? [];
        if (a is null) return b;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return a.Concat(b).Where(i => seen.Add(i.Id));
    }

    private Entry? Lookup(string key, DateTime now)
    {
        _entries.TryGetValue(key, out var entry);
        if (entry is null || now - entry.FetchedAt > Ttl)
        {
            _inFlight.GetOrAdd(key, k => Task.Run(async () =>
            {
                try
                {
                    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    var fresh = await FetchAsync(k, cts.Token);
                    _entries[k] = fresh with { FetchedAt = DateTime.UtcNow };
                }
                catch (Exception ex)
                {
                    HistoryFeatureCacheLog.HistoryFeaturesUnavailable(logger, ex, k);
                    // Remember the old entry (or nothing) briefly so an outage does not start a fetch per request.
                    _entries[k] = (entry ?? new Entry([], "unknown", default)) with { FetchedAt = DateTime.UtcNow - Ttl + TimeSpan.FromSeconds(30) };
                }
                finally
                {
                    _inFlight.TryRemove(k, out _);
                }
            }));
        }
        return entry;
    }

    private async Task<Entry> FetchAsync(string key, CancellationToken ct)
    {
        var isRepo = key.StartsWith("repo:", StringComparison.Ordinal);
        var value = key[(key.IndexOf(':') + 1)..];
        var docs = await store.FindAsync(Collections.Issues, DocumentQuery.Where(new FieldFilter(isRepo ? "repo" : "author", FilterOp.Eq, value))
            .OrderBy("created_at", descending: true).Take(Cap), ct);
        var issues = new List<IssueRecord>(docs.Count);
        foreach (var doc in docs)
        {
            try
            {
                issues.Add(IssueDocumentSchema.Parse(doc, "unknown"));
            }
            catch (IssueSchemaException)
            {
                // skipped by the dataset builder too
            }
        }
        var language = isRepo ? await IssueDatasetBuilder.RepositoryLanguageAsync(store, value, ct) : "unknown";
        return new Entry(issues, language, DateTime.UtcNow);
    }
}

/// <summary>The source-generated log messages of HistoryFeatureCache (event ids: docs/architecture.md).</summary>
internal static partial class HistoryFeatureCacheLog
{
    [LoggerMessage(EventId = 3017, Level = LogLevel.Debug, Message = "History features for {Key} unavailable; using defaults")]
    public static partial void HistoryFeaturesUnavailable(ILogger logger, Exception exception, string key);
}
