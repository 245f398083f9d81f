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
