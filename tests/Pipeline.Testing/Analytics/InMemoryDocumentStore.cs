using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Storage;

namespace Pipeline.Testing.Analytics;

/// <summary>
/// A small in-memory <see cref="IDocumentStore"/> for unit tests of code written against the port (filters on dotted
/// paths, sort, skip, limit). The real adapters are tested by the store's contract suite.
/// </summary>
public sealed class InMemoryDocumentStore : IDocumentStore
{
    private readonly Dictionary<string, SortedDictionary<string, JsonObject>> _collections = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public string Provider => "memory";

    /// <summary>A deep copy (tests seed one store once and give each test its own copy).</summary>
    public InMemoryDocumentStore Clone()
    {
        var copy = new InMemoryDocumentStore();
        lock (_lock)
        {
            foreach (var (name, docs) in _collections)
            {
                var c = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
                foreach (var (id, doc) in docs) c[id] = doc.DeepClone().AsObject();
                copy._collections[name] = c;
            }
        }
        return copy;
    }

    /// <summary>Called before every operation; tests set it to simulate an outage.</summary>
    public Func<string, Exception?>? FailWith { get; set; }

    private SortedDictionary<string, JsonObject> Collection(string name)
    {
        if (FailWith?.Invoke(name) is { } e) throw e;
        if (!_collections.TryGetValue(name, out var c))
        {
            c = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
            _collections[name] = c;
        }
        return c;
    }

    public Task EnsureCollectionsAsync(IEnumerable<CollectionDefinition> collections, CancellationToken ct = default)
    {
        lock (_lock) foreach (var c in collections) Collection(c.Name);
        return Task.CompletedTask;
    }

    public Task<bool> UpsertAsync(string collection, string id, JsonObject document, CancellationToken ct = default)
    {
        lock (_lock)
        {
            var c = Collection(collection);
            var isNew = !c.ContainsKey(id);
            c[id] = WithId(id, document);
            return Task.FromResult(isNew);
        }
    }

    public async Task<int> UpsertManyAsync(string collection, IReadOnlyList<KeyValuePair<string, JsonObject>> documents, CancellationToken ct = default)
    {
        var n = 0;
        foreach (var (id, doc) in documents) if (await UpsertAsync(collection, id, doc, ct)) n++;
        return n;
    }

    public Task<bool> InsertIfAbsentAsync(string collection, string id, JsonObject document, CancellationToken ct = default)
    {
        lock (_lock)
        {
            var c = Collection(collection);
            if (c.ContainsKey(id)) return Task.FromResult(false);
            c[id] = WithId(id, document);
            return Task.FromResult(true);
        }
    }

    public async Task<IReadOnlyList<string>> InsertManyIfAbsentAsync(string collection, IReadOnlyList<KeyValuePair<string, JsonObject>> documents, CancellationToken ct = default)
    {
        var ids = new List<string>();
        foreach (var (id, doc) in documents) if (await InsertIfAbsentAsync(collection, id, doc, ct)) ids.Add(id);
        return ids;
    }

    public Task<JsonObject?> GetAsync(string collection, string id, CancellationToken ct = default)
    {
        lock (_lock)
        {
            return Task.FromResult(Collection(collection).TryGetValue(id, out var d) ? (JsonObject?)d.DeepClone().AsObject() : null);
        }
    }

    public Task<IReadOnlyList<JsonObject>> FindAsync(string collection, DocumentQuery query, CancellationToken ct = default)
    {
        lock (_lock)
        {
            IEnumerable<JsonObject> docs = Collection(collection).Values.Where(d => Matches(d, query.Filters));
            if (query.SortBy is { } sort)
            {
                docs = query.Descending
                    ? docs.OrderByDescending(d => Resolve(d, sort), NodeComparer.Instance)
                    : docs.OrderBy(d => Resolve(d, sort), NodeComparer.Instance);
            }
            docs = docs.Skip(query.Skip);
            if (query.Limit is { } limit) docs = docs.Take(limit);
            IReadOnlyList<JsonObject> result = docs.Select(d => d.DeepClone().AsObject()).ToList();
            return Task.FromResult(result);
        }
    }

    public Task<long> CountAsync(string collection, DocumentQuery? query = null, CancellationToken ct = default)
    {
        lock (_lock)
        {
            return Task.FromResult((long)Collection(collection).Values.Count(d => Matches(d, query?.Filters ?? [])));
        }
    }

    public Task<bool> DeleteAsync(string collection, string id, CancellationToken ct = default)
    {
        lock (_lock) return Task.FromResult(Collection(collection).Remove(id));
    }

    public Task<long> DeleteManyAsync(string collection, DocumentQuery query, CancellationToken ct = default)
    {
        lock (_lock)
        {
            var c = Collection(collection);
            var ids = c.Where(kv => Matches(kv.Value, query.Filters)).Select(kv => kv.Key).ToList();
            foreach (var id in ids) c.Remove(id);
            return Task.FromResult((long)ids.Count);
        }
    }

    public Task PingAsync(CancellationToken ct = default)
    {
        lock (_lock) Collection("_ping");
        return Task.CompletedTask;
    }

    private static JsonObject WithId(string id, JsonObject document)
    {
        var copy = document.DeepClone().AsObject();
        copy["_id"] = id;
        return copy;
    }

    private static JsonNode? Resolve(JsonObject doc, string path)
    {
        JsonNode? node = doc;
        foreach (var part in path.Split('.'))
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(part, out node)) return null;
        }
        return node;
    }

    private static bool Matches(JsonObject doc, IReadOnlyList<FieldFilter> filters)
    {
        foreach (var f in filters)
        {
            var value = Resolve(doc, f.Path);
            var ok = f.Op switch
            {
                FilterOp.Exists => (value is not null) == (f.Value?.GetValue<bool>() ?? true),
                FilterOp.Eq => NodeComparer.Instance.Compare(value, f.Value) == 0 && value is not null,
                FilterOp.Ne => value is null || NodeComparer.Instance.Compare(value, f.Value) != 0,
                FilterOp.Gt => value is not null && NodeComparer.Instance.Compare(value, f.Value) > 0,
                FilterOp.Gte => value is not null && NodeComparer.Instance.Compare(value, f.Value) >= 0,
                FilterOp.Lt => value is not null && NodeComparer.Instance.Compare(value, f.Value) < 0,
                FilterOp.Lte => value is not null && NodeComparer.Instance.Compare(value, f.Value) <= 0,
                FilterOp.In => value is not null && f.Value is JsonArray arr && arr.Any(a => NodeComparer.Instance.Compare(value, a) == 0),
                _ => false,
            };
            if (!ok) return false;
        }
        return true;
    }

    private sealed class NodeComparer : IComparer<JsonNode?>
    {
        public static readonly NodeComparer Instance = new();

        public int Compare(JsonNode? x, JsonNode? y)
        {
            if (x is null || y is null) return x is null ? (y is null ? 0 : -1) : 1;
            if (x is JsonValue vx && y is JsonValue vy)
            {
                var kx = vx.GetValueKind();
                var ky = vy.GetValueKind();
                if (kx == JsonValueKind.Number && ky == JsonValueKind.Number) return Number(vx).CompareTo(Number(vy));
                if (kx == JsonValueKind.String && ky == JsonValueKind.String) return string.CompareOrdinal(vx.GetValue<string>(), vy.GetValue<string>());
                if (kx is JsonValueKind.True or JsonValueKind.False && ky is JsonValueKind.True or JsonValueKind.False)
                    return vx.GetValue<bool>().CompareTo(vy.GetValue<bool>());
                return kx.CompareTo(ky);
            }
            return string.CompareOrdinal(x.ToJsonString(), y.ToJsonString());
        }

        private static double Number(JsonValue v) =>
            double.Parse(v.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);
    }
}
