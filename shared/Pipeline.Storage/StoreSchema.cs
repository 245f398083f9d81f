using Pipeline.Domain;

namespace Pipeline.Storage;

/// <summary>
/// The collections and indexes Pipeline needs. Other areas add theirs by registering <see cref="CollectionDefinition"/>
/// singletons in DI (<c>services.AddSingleton(new CollectionDefinition("predictions", ...))</c>); definitions with the same
/// name are merged.
/// </summary>
public sealed class StoreSchema(IDocumentStore store, IEnumerable<CollectionDefinition> extra)
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static IndexDefinition Ix(string field, bool unique = false) => new(field.Replace('.', '_'), [field], unique);

    private static IndexDefinition TextIx(string field) => Ix(field) with { Text = true };

    /// <summary>Every collection of <see cref="Collections"/> with the indexes the app's queries and sorts use.</summary>
    public static IReadOnlyList<CollectionDefinition> Default { get; } =
    [
        // _id (the event id) is the unique key; delivery_id lets operators find a webhook delivery (only webhook events
        // have one, so the index is sparse and backfills do not pay for it). Every event pays for each index on insert, so
        // they are text indexes (half the cost of jsonb ones, docs/benchmarks.md "Issue 15, part 2") and only those a query
        // needs: repo (GET /api/events?repo), created_at (snapshot export ranges, first/last day), received_at (the event
        // list's order, the ingestion status, incremental snapshots), delivery_id. Not type: it has a handful of values and
        // the event list's type filter walks the received_at index anyway.
        new(Collections.Events, TextIx("repo"), TextIx("created_at"), TextIx("delivery_id") with { Sparse = true }, TextIx("received_at"))
        {
            RetiredIndexes = ["type"],
        },
        new(Collections.Repositories, Ix("language"), Ix("last_event_at"), Ix("stargazers_count")),
        new(Collections.Issues, Ix("repo"), Ix("state"), Ix("created_at"), Ix("updated_at"), Ix("closed_at")),
        new(Collections.Pulls, Ix("repo"), Ix("state"), Ix("created_at"), Ix("updated_at"), Ix("merged_at")),
        new(Collections.Stars, Ix("repo"), Ix("user"), Ix("starred_at")),
        new(Collections.PollerState),
        new(Collections.Trends, Ix("metric"), Ix("repo"), Ix("period")),
        new(Collections.JobRuns, Ix("started_at"), Ix("status")),
        new(Collections.Models, Ix("name"), Ix("created_at")),
        // The prediction log's queries (drift window, live metrics, resolution) use the ML lifecycle's compound indexes
        // (MlCollections). Two log documents are written per prediction request, and every index costs each of them an
        // insertion: `created_at` alone served no query and `model_version` indexed a field the documents do not have
        // (they carry `version`), so both are retired (docs/benchmarks.md "Issue 15, part 5").
        new(Collections.Predictions)
        {
            RetiredIndexes = ["created_at", "model_version"],
        },
        new(Collections.MonitorReports, Ix("created_at")),
        new(Collections.Audits, Ix("repo"), Ix("created_at")),
    ];

    /// <summary>The default collections merged with the extra ones (same name: indexes united by index name).</summary>
    public static IReadOnlyList<CollectionDefinition> Merge(IEnumerable<CollectionDefinition> extra)
    {
        var merged = new Dictionary<string, List<IndexDefinition>>(StringComparer.Ordinal);
        var order = new List<string>();
        var all = Default.Concat(extra).ToList();
        foreach (var definition in all)
        {
            if (!merged.TryGetValue(definition.Name, out var indexes))
            {
                merged[definition.Name] = indexes = [];
                order.Add(definition.Name);
            }
            foreach (var index in definition.Indexes)
            {
                if (indexes.All(i => i.Name != index.Name)) indexes.Add(index);
            }
        }
        var retired = all.GroupBy(d => d.Name)
            .ToDictionary(g => g.Key, g => g.SelectMany(d => d.RetiredIndexes).Distinct().ToList(), StringComparer.Ordinal);
        return order.Select(n => new CollectionDefinition(n, (IReadOnlyList<IndexDefinition>)merged[n])
        {
            // An index some definition still declares is not retired.
            RetiredIndexes = retired[n].Where(r => merged[n].All(i => i.Name != r)).ToList(),
        }).ToList();
    }

    /// <summary>Completes once the schema has been ensured.</summary>
    public Task Ready => _ready.Task;

    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    /// <summary>Creates every collection and index (idempotent).</summary>
    public async Task EnsureAsync(CancellationToken ct = default)
    {
        await store.EnsureCollectionsAsync(Merge(extra), ct);
        _ready.TrySetResult();
    }

    /// <summary>Declares the schema managed elsewhere (Store:EnsureSchemaOnStart = false).</summary>
    public void MarkReady() => _ready.TrySetResult();

    /// <summary>One-off helper for tools and tests without DI.</summary>
    public static Task EnsureAsync(IDocumentStore store, CancellationToken ct = default) => store.EnsureCollectionsAsync(Default, ct);
}
