using System.Text.Json.Nodes;
using Pipeline.Domain;

namespace Pipeline.Storage.Events;

/// <summary>
/// Lands event batches: the raw events (insert-if-absent by event id into <c>events</c>) and the projections
/// (repositories, issues, pulls, stars). On PostgreSQL the set-based writer runs (<see cref="Postgres.PostgresEventWriter"/>:
/// one statement per batch over arrays of ids and documents, one merge per collection in it, events and projections in one transaction).
/// On other stores (MongoDB: unordered bulk writes), per batch: one round trip to learn which events are new, then per projection one
/// read of the touched documents and one batched upsert (projections run concurrently), then one batched insert of the
/// events. Projections run only for events not yet stored, and before the events are recorded: if the process dies in
/// between, redelivery projects them again, which is harmless because projections are idempotent and order-independent
/// (<see cref="IEventProjection"/>). Assumes, as the Kafka topic keyed by repository guarantees, that one repository's
/// events are written by one consumer at a time.
/// </summary>
public sealed class EventSink : IEventSink
{
    private const int LookupChunk = 5000;

    private readonly IDocumentStore _store;
    private readonly IReadOnlyList<IEventProjection> _projections;
    private readonly Postgres.PostgresEventWriter? _setBased;

    public EventSink(IDocumentStore store) : this(store, DefaultProjections) { }

    public EventSink(IDocumentStore store, IReadOnlyList<IEventProjection> projections)
    {
        _store = store;
        _projections = projections;
        _setBased = store is Postgres.PostgresStore postgres ? Postgres.PostgresEventWriter.For(postgres, projections) : null;
    }

    public static IReadOnlyList<IEventProjection> DefaultProjections { get; } =
        [new RepositoryProjection(), new IssueProjection(), new PullProjection(), new StarProjection()];

    public async Task<int> WriteAsync(IReadOnlyList<GitHubEvent> events, CancellationToken ct = default)
    {
        if (events.Count == 0) return 0;
        var unique = new List<GitHubEvent>(events.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            ArgumentException.ThrowIfNullOrEmpty(e.Id, "event id");
            if (seen.Add(e.Id)) unique.Add(e);
        }
        if (_setBased is not null) return await _setBased.WriteAsync(unique, ct);

        var stored = await ExistingIdsAsync(Collections.Events, unique.Select(e => e.Id).ToList(), ct);
        var fresh = stored.Count == 0 ? unique : unique.Where(e => !stored.Contains(e.Id)).ToList();
        if (fresh.Count == 0) return 0;

        await Task.WhenAll(_projections.Select(p => ProjectAsync(p, fresh, ct)));

        var documents = fresh.Select(e => new KeyValuePair<string, JsonObject>(e.Id, EventDocument.From(e))).ToList();
        var inserted = await _store.InsertManyIfAbsentAsync(Collections.Events, documents, ct);
        return inserted.Count;
    }

    private async Task ProjectAsync(IEventProjection projection, IReadOnlyList<GitHubEvent> events, CancellationToken ct)
    {
        var groups = new Dictionary<string, List<GitHubEvent>>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (projection.KeyOf(e) is not { } key) continue;
            if (!groups.TryGetValue(key, out var list)) groups[key] = list = [];
            list.Add(e);
        }
        if (groups.Count == 0) return;

        var current = await LoadAsync(projection.Collection, groups.Keys.ToList(), ct);
        var updated = new List<KeyValuePair<string, JsonObject>>(groups.Count);
        foreach (var (key, list) in groups)
        {
            current.TryGetValue(key, out var doc);
            updated.Add(new(key, projection.Apply(key, doc, list)));
        }
        await _store.UpsertManyAsync(projection.Collection, updated, ct);
    }

    private async Task<HashSet<string>> ExistingIdsAsync(string collection, IReadOnlyList<string> ids, CancellationToken ct)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ids.Count; i += LookupChunk)
        {
            var chunk = ids.Skip(i).Take(LookupChunk);
            var docs = await _store.FindAsync(collection, new DocumentQuery
            {
                Filters = [Filter.In(DocumentJson.IdField, chunk)],
                Fields = [DocumentJson.IdField],
            }, ct);
            foreach (var d in docs)
            {
                if (ProjectionSupport.Text(d, DocumentJson.IdField) is { } id) result.Add(id);
            }
        }
        return result;
    }

    private async Task<Dictionary<string, JsonObject>> LoadAsync(string collection, IReadOnlyList<string> ids, CancellationToken ct)
    {
        var result = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        for (var i = 0; i < ids.Count; i += LookupChunk)
        {
            var docs = await _store.FindAsync(collection, DocumentQuery.Where(Filter.In(DocumentJson.IdField, ids.Skip(i).Take(LookupChunk))), ct);
            foreach (var d in docs)
            {
                if (ProjectionSupport.Text(d, DocumentJson.IdField) is { } id) result[id] = d;
            }
        }
        return result;
    }
}
