using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Pipeline.Storage;

namespace Pipeline.UnitTests.Audit;

/// <summary>A simple in-memory <see cref="IDocumentStore"/> for the audit's orchestration and HTTP unit tests (equality filters only).</summary>
public sealed class InMemoryDocumentStore : IDocumentStore
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, string>> _collections = new();

    public string Provider => "memory";

    private ConcurrentDictionary<string, string> C(string name) => _collections.GetOrAdd(name, _ => new());

    public Task EnsureCollectionsAsync(IEnumerable<CollectionDefinition> collections, CancellationToken ct = default) => Task.CompletedTask;

    public Task<bool> UpsertAsync(string collection, string id, JsonObject document, CancellationToken ct = default)
    {
        var copy = (JsonObject)document.DeepClone();
        copy["_id"] = id;
        var inserted = true;
        C(collection).AddOrUpdate(id, copy.ToJsonString(), (_, _) => { inserted = false; return copy.ToJsonString(); });
        return Task.FromResult(inserted);
    }

    public async Task<int> UpsertManyAsync(string collection, IReadOnlyList<KeyValuePair<string, JsonObject>> documents, CancellationToken ct = default)
    {
        var n = 0;
        foreach (var (id, doc) in documents) if (await UpsertAsync(collection, id, doc, ct)) n++;
        return n;
    }

    public Task<bool> InsertIfAbsentAsync(string collection, string id, JsonObject document, CancellationToken ct = default)
    {
        var copy = (JsonObject)document.DeepClone();
        copy["_id"] = id;
        return Task.FromResult(C(collection).TryAdd(id, copy.ToJsonString()));
    }

    public async Task<IReadOnlyList<string>> InsertManyIfAbsentAsync(string collection, IReadOnlyList<KeyValuePair<string, JsonObject>> documents, CancellationToken ct = default)
    {
        var ids = new List<string>();
        foreach (var (id, doc) in documents) if (await InsertIfAbsentAsync(collection, id, doc, ct)) ids.Add(id);
        return ids;
    }

    public Task<JsonObject?> GetAsync(string collection, string id, CancellationToken ct = default) =>
        Task.FromResult(C(collection).TryGetValue(id, out var json) ? JsonNode.Parse(json)!.AsObject() : null);

    public Task<IReadOnlyList<JsonObject>> FindAsync(string collection, DocumentQuery query, CancellationToken ct = default)
    {
        IEnumerable<JsonObject> docs = C(collection).Values.Select(j => JsonNode.Parse(j)!.AsObject()).Where(d => Matches(d, query)).ToList();
        if (query.SortBy is { } sort)
            docs = query.Descending ? docs.OrderByDescending(d => Value(d, sort), StringComparer.Ordinal) : docs.OrderBy(d => Value(d, sort), StringComparer.Ordinal);
        docs = docs.Skip(query.Skip);
        if (query.Limit is { } limit) docs = docs.Take(limit);
        return Task.FromResult<IReadOnlyList<JsonObject>>(docs.ToList());
    }

    public Task<long> CountAsync(string collection, DocumentQuery? query = null, CancellationToken ct = default) =>
        Task.FromResult((long)C(collection).Values.Count(j => Matches(JsonNode.Parse(j)!.AsObject(), query ?? DocumentQuery.All)));

    public Task<bool> DeleteAsync(string collection, string id, CancellationToken ct = default) => Task.FromResult(C(collection).TryRemove(id, out _));

    public Task<long> DeleteManyAsync(string collection, DocumentQuery query, CancellationToken ct = default)
    {
        long n = 0;
        foreach (var (id, json) in C(collection))
            if (Matches(JsonNode.Parse(json)!.AsObject(), query) && C(collection).TryRemove(id, out _)) n++;
        return Task.FromResult(n);
    }

    public Task PingAsync(CancellationToken ct = default) => Task.CompletedTask;

    private static string? Value(JsonObject doc, string path)
    {
        JsonNode? node = doc;
        foreach (var part in path.Split('.')) node = node?[part];
        return node?.ToJsonString();
    }

    private static bool Matches(JsonObject doc, DocumentQuery query) =>
        query.Filters.All(f => f.Op == FilterOp.Eq
            ? Value(doc, f.Path) == f.Value?.ToJsonString()
            : throw new NotSupportedException($"The in-memory store supports equality filters only, not {f.Op}"));
}
