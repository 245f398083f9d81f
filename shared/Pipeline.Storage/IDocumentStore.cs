using System.Text.Json.Nodes;

namespace Pipeline.Storage;

/// <summary>
/// The document-store port. Two real adapters implement it and pass one contract suite:
/// MongoDB.Driver (Azure Cosmos DB for MongoDB in production, MongoDB in compose) and
/// PostgreSQL JSONB (the local default and what CI runs).
/// Every document carries its natural id in <c>_id</c>; writes are upserts or insert-if-absent keyed by it,
/// so redelivery never duplicates.
/// </summary>
public interface IDocumentStore
{
    /// <summary>Adapter name for health and logs: <c>postgres</c> or <c>mongo</c>.</summary>
    string Provider { get; }

    /// <summary>Creates collections and indexes if missing. Idempotent; called at start-up.</summary>
    Task EnsureCollectionsAsync(IEnumerable<CollectionDefinition> collections, CancellationToken ct = default);

    /// <summary>Inserts or replaces the document with this id. Returns true when it was newly inserted.</summary>
    Task<bool> UpsertAsync(string collection, string id, JsonObject document, CancellationToken ct = default);

    /// <summary>Upserts many documents in one round trip where the adapter can. Returns how many were newly inserted.</summary>
    Task<int> UpsertManyAsync(string collection, IReadOnlyList<KeyValuePair<string, JsonObject>> documents, CancellationToken ct = default);

    /// <summary>
    /// Upserts documents that are already serialised: each value is a compact JSON object whose <c>_id</c> is its key (a
    /// query engine that renders its result rows as JSON hands them over without a node tree per row). Same semantics
    /// as <see cref="UpsertManyAsync"/>; the default parses each document and calls it, an adapter that stores JSON text
    /// passes the text through in one set-based statement per batch.
    /// </summary>
    Task<int> UpsertManyJsonAsync(string collection, IReadOnlyList<KeyValuePair<string, string>> documents, CancellationToken ct = default) =>
        UpsertManyAsync(collection, documents.Select(d => new KeyValuePair<string, JsonObject>(d.Key, DocumentJson.Parse(d.Value))).ToList(), ct);

    /// <summary>Inserts the document unless one with this id exists. Returns false (and changes nothing) when it existed.</summary>
    Task<bool> InsertIfAbsentAsync(string collection, string id, JsonObject document, CancellationToken ct = default);

    /// <summary>Insert-if-absent for a batch. Returns the ids that were newly inserted (the rest existed already).</summary>
    Task<IReadOnlyList<string>> InsertManyIfAbsentAsync(string collection, IReadOnlyList<KeyValuePair<string, JsonObject>> documents, CancellationToken ct = default);

    /// <summary>The document with this id (including <c>_id</c>), or null.</summary>
    Task<JsonObject?> GetAsync(string collection, string id, CancellationToken ct = default);

    /// <summary>Documents matching every filter, sorted and limited as asked.</summary>
    Task<IReadOnlyList<JsonObject>> FindAsync(string collection, DocumentQuery query, CancellationToken ct = default);

    /// <summary>Number of documents matching the query's filters (sort and limit ignored).</summary>
    Task<long> CountAsync(string collection, DocumentQuery? query = null, CancellationToken ct = default);

    /// <summary>Deletes the document with this id. Returns true when one was deleted.</summary>
    Task<bool> DeleteAsync(string collection, string id, CancellationToken ct = default);

    /// <summary>Deletes every document matching the filters. Returns how many.</summary>
    Task<long> DeleteManyAsync(string collection, DocumentQuery query, CancellationToken ct = default);

    /// <summary>Cheap round trip to the server; throws when it is unreachable.</summary>
    Task PingAsync(CancellationToken ct = default);
}

/// <summary>A collection and the indexes it needs.</summary>
public sealed record CollectionDefinition(string Name, IReadOnlyList<IndexDefinition> Indexes)
{
    public CollectionDefinition(string name, params IndexDefinition[] indexes) : this(name, (IReadOnlyList<IndexDefinition>)indexes) { }

    /// <summary>Names of indexes earlier versions created and this one no longer needs: the PostgreSQL store drops them
    /// when it ensures the collection (idempotent), so existing data directories stop paying for them on every write.</summary>
    public IReadOnlyList<string> RetiredIndexes { get; init; } = [];
}

/// <summary>An index over one or more dotted field paths; <paramref name="Unique"/> enforces uniqueness.</summary>
public sealed record IndexDefinition(string Name, IReadOnlyList<string> Fields, bool Unique = false)
{
    /// <summary>Leave documents without the (first) field out of the index: smaller and cheaper to maintain for fields most
    /// documents lack (a partial index in PostgreSQL; MongoDB indexes them anyway, where a missing field costs little).</summary>
    public bool Sparse { get; init; }

    /// <summary>The (single) field holds strings: PostgreSQL indexes its text under binary collation
    /// (<c>(doc-&gt;&gt;'f') COLLATE "C"</c>), about half the insert cost of a jsonb expression index, and the store's queries
    /// compare string values on it as text (still only against strings: a number never matches). Sorting on such a field
    /// orders by the text (binary, like MongoDB's default); JSON null sorts with missing. MongoDB ignores the flag.</summary>
    public bool Text { get; init; }
}

public enum FilterOp { Eq, Ne, Gt, Gte, Lt, Lte, In, Exists }

/// <summary>
/// A filter on a dotted field path. Values are JSON scalars (string, number, bool) or, for <see cref="FilterOp.In"/>, an array.
/// Timestamps are stored as ISO-8601 UTC strings (<c>yyyy-MM-ddTHH:mm:ss.fffZ</c>), so they compare correctly as strings.
/// </summary>
public sealed record FieldFilter(string Path, FilterOp Op, JsonNode? Value);

/// <summary>Filters (all must match), an optional sort, skip and limit.</summary>
public sealed record DocumentQuery
{
    public IReadOnlyList<FieldFilter> Filters { get; init; } = [];
    public string? SortBy { get; init; }
    public bool Descending { get; init; }
    public int? Limit { get; init; }
    public int Skip { get; init; }

    /// <summary>Top-level fields to return (plus <c>_id</c>, always); null returns whole documents. Saves transfer when
    /// only ids or a few fields are needed.</summary>
    public IReadOnlyList<string>? Fields { get; init; }

    public static DocumentQuery All { get; } = new();

    public static DocumentQuery Where(params FieldFilter[] filters) => new() { Filters = filters };

    public DocumentQuery OrderBy(string path, bool descending = false) => this with { SortBy = path, Descending = descending };

    public DocumentQuery Take(int limit) => this with { Limit = limit };

    public DocumentQuery Select(params string[] fields) => this with { Fields = fields };
}

/// <summary>A write would break a unique index other than <c>_id</c> (which upsert and insert-if-absent handle themselves).</summary>
public sealed class DuplicateKeyException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The store is unreachable or refused the operation transiently; callers pause and retry without losing data.</summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
