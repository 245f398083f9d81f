using System.Net.Sockets;
using System.Text.Json.Nodes;
using MongoDB.Bson;
using MongoDB.Driver;

namespace Pipeline.Storage.Mongo;

/// <summary>
/// <see cref="IDocumentStore"/> over the MongoDB wire protocol (MongoDB.Driver 3.x): Azure Cosmos DB for MongoDB in
/// production, MongoDB in docker compose. Documents are BSON with a string <c>_id</c>; batches are unordered bulk writes;
/// Cosmos specifics (throttling retries, shard keys) live in <see cref="CosmosMongoCompatibility"/>.
/// </summary>
internal sealed class MongoStore : IDocumentStore, IDisposable
{
    private static readonly FilterDefinitionBuilder<BsonDocument> F = Builders<BsonDocument>.Filter;
    private static readonly BulkWriteOptions Unordered = new() { IsOrdered = false };

    private readonly MongoClient _client;
    private readonly IMongoDatabase _database;
    private readonly bool _shardKeys;
    private readonly string _endpoint;

    public MongoStore(string connectionString, string database, bool cosmosShardKeys = false, TimeSpan? serverSelectionTimeout = null)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException("Store:MongoConnectionString is required for the mongo store provider", nameof(connectionString));
        }
        var url = new MongoUrl(connectionString);
        var settings = MongoClientSettings.FromUrl(url);
        // The driver waits 30 s for a server by default; an outage should surface sooner so the consumer can pause.
        if (url.ServerSelectionTimeout == MongoDefaults.ServerSelectionTimeout)
        {
            settings.ServerSelectionTimeout = serverSelectionTimeout ?? TimeSpan.FromSeconds(5);
        }
        if (url.ConnectTimeout == MongoDefaults.ConnectTimeout)
        {
            settings.ConnectTimeout = TimeSpan.FromSeconds(5);
        }
        CosmosMongoCompatibility.Apply(settings, url);
        _client = new MongoClient(settings);
        _database = _client.GetDatabase(string.IsNullOrWhiteSpace(database) ? "pipeline" : database);
        _shardKeys = cosmosShardKeys;
        _endpoint = string.Join(",", url.Servers.Select(s => $"{s.Host}:{s.Port}")) + "/" + _database.DatabaseNamespace.DatabaseName;
    }

    public string Provider => "mongo";

    private IMongoCollection<BsonDocument> Collection(string name) => _database.GetCollection<BsonDocument>(StoreNames.Collection(name));

    public async Task EnsureCollectionsAsync(IEnumerable<CollectionDefinition> collections, CancellationToken ct = default)
    {
        var existing = await RunAsync(async () => (await (await _database.ListCollectionNamesAsync(cancellationToken: ct)).ToListAsync(ct)).ToHashSet(), ct);
        foreach (var definition in collections)
        {
            var name = StoreNames.Collection(definition.Name);
            if (!existing.Contains(name))
            {
                await RunAsync(async () =>
                {
                    try
                    {
                        var shardKey = CosmosMongoCompatibility.ShardKeyFor(name, _shardKeys);
                        if (shardKey is not null)
                        {
                            await _database.RunCommandAsync<BsonDocument>(CosmosMongoCompatibility.CreateShardedCollectionCommand(name, shardKey), cancellationToken: ct);
                        }
                        else
                        {
                            await _database.CreateCollectionAsync(name, cancellationToken: ct);
                        }
                    }
                    catch (MongoCommandException e) when (e.Code == 48 || e.Message.Contains("already exists", StringComparison.OrdinalIgnoreCase))
                    {
                        // NamespaceExists: created concurrently.
                    }
                    return 0;
                }, ct);
            }
            var models = definition.Indexes
                .Where(i => i.Fields is not [DocumentJson.IdField]) // _id is always uniquely indexed
                .Select(i =>
                {
                    StoreNames.Index(i.Name);
                    var keys = Builders<BsonDocument>.IndexKeys.Combine(i.Fields.Select(f => Builders<BsonDocument>.IndexKeys.Ascending(StoreNames.FieldPath(f))));
                    return new CreateIndexModel<BsonDocument>(keys, new CreateIndexOptions { Name = i.Name, Unique = i.Unique });
                })
                .ToList();
            if (models.Count > 0)
            {
                await RunAsync(() => Collection(name).Indexes.CreateManyAsync(models, ct), ct);
            }
        }
    }

    /// <summary>Filter on <c>_id</c>, plus the shard key when the collection is sharded (Cosmos routes single-document
    /// writes by it).</summary>
    private FilterDefinition<BsonDocument> IdFilter(string collection, string id, BsonDocument? document)
    {
        var filter = F.Eq(DocumentJson.IdField, id);
        var shardKey = CosmosMongoCompatibility.ShardKeyFor(collection, _shardKeys);
        if (shardKey is not null && document is not null && document.TryGetValue(shardKey, out var keyValue))
        {
            filter &= F.Eq(shardKey, keyValue);
        }
        return filter;
    }

    public async Task<bool> UpsertAsync(string collection, string id, JsonObject document, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var bson = BsonJson.ToBson(id, document);
        var result = await RunAsync(() => Collection(collection).ReplaceOneAsync(IdFilter(collection, id, bson), bson,
            new ReplaceOptions { IsUpsert = true }, ct), ct);
        return result.UpsertedId is not null;
    }

    public async Task<int> UpsertManyAsync(string collection, IReadOnlyList<KeyValuePair<string, JsonObject>> documents, CancellationToken ct = default)
    {
        var unique = DocumentJson.LastPerId(documents);
        if (unique.Count == 0) return 0;
        var models = unique.Select(d =>
        {
            var bson = BsonJson.ToBson(d.Key, d.Value);
            return (WriteModel<BsonDocument>)new ReplaceOneModel<BsonDocument>(IdFilter(collection, d.Key, bson), bson) { IsUpsert = true };
        }).ToList();
        var outcome = await BulkAsync(collection, models, ct);
        if (outcome.Duplicates.Count > 0)
        {
            throw new DuplicateKeyException($"A unique index of '{collection}' rejected {outcome.Duplicates.Count} upserts");
        }
        return outcome.Upserted.Count;
    }

    public async Task<bool> InsertIfAbsentAsync(string collection, string id, JsonObject document, CancellationToken ct = default)
    {
        var inserted = await InsertManyIfAbsentAsync(collection, [new(id, document)], ct);
        return inserted.Count == 1;
    }

    public async Task<IReadOnlyList<string>> InsertManyIfAbsentAsync(string collection, IReadOnlyList<KeyValuePair<string, JsonObject>> documents, CancellationToken ct = default)
    {
        var unique = DocumentJson.FirstPerId(documents);
        if (unique.Count == 0) return [];
        var models = unique.Select(d => (WriteModel<BsonDocument>)new InsertOneModel<BsonDocument>(BsonJson.ToBson(d.Key, d.Value))).ToList();
        var outcome = await BulkAsync(collection, models, ct);
        if (outcome.Duplicates.Count > 0)
        {
            // A duplicate-key error means "existed" only when the _id exists; otherwise another unique index refused it.
            var dupIds = outcome.Duplicates.Select(i => unique[i].Key).ToList();
            var existing = await RunAsync(async () => (await Collection(collection)
                .Find(F.In(DocumentJson.IdField, dupIds)).Project(Builders<BsonDocument>.Projection.Include(DocumentJson.IdField))
                .ToListAsync(ct)).Select(d => d[DocumentJson.IdField].AsString).ToHashSet(StringComparer.Ordinal), ct);
            var refused = dupIds.Where(id => !existing.Contains(id)).ToList();
            if (refused.Count > 0)
            {
                throw new DuplicateKeyException($"A unique index of '{collection}' rejected documents {string.Join(", ", refused.Take(5))}");
            }
        }
        var insertedIds = outcome.Succeeded.Select(i => unique[i].Key).ToHashSet(StringComparer.Ordinal);
        return documents.Select(d => d.Key).Where(insertedIds.Remove).ToList();
    }

    private sealed record BulkOutcome(List<int> Succeeded, List<int> Upserted, List<int> Duplicates);

    /// <summary>
    /// Unordered bulk write that retries only the throttled items (Cosmos 16500) and classifies the rest: succeeded,
    /// upserted (newly inserted by a replace), duplicate key. Indexes refer to <paramref name="models"/>.
    /// </summary>
    private async Task<BulkOutcome> BulkAsync(string collection, List<WriteModel<BsonDocument>> models, CancellationToken ct)
    {
        var outcome = new BulkOutcome([], [], []);
        var pending = Enumerable.Range(0, models.Count).ToList();
        for (var attempt = 0; ; attempt++)
        {
            var batch = pending.Select(i => models[i]).ToList();
            try
            {
                var result = await RunAsync(() => Collection(collection).BulkWriteAsync(batch, Unordered, ct), ct);
                outcome.Succeeded.AddRange(pending);
                outcome.Upserted.AddRange(result.Upserts.Select(u => pending[u.Index]));
                return outcome;
            }
            catch (MongoBulkWriteException<BsonDocument> e) when (e.WriteConcernError is null)
            {
                var failed = new HashSet<int>();
                var retry = new List<int>();
                string? throttleMessage = null;
                foreach (var error in e.WriteErrors)
                {
                    failed.Add(error.Index);
                    if (error.Category == ServerErrorCategory.DuplicateKey) outcome.Duplicates.Add(pending[error.Index]);
                    else if (CosmosMongoCompatibility.IsThrottled(error))
                    {
                        retry.Add(pending[error.Index]);
                        throttleMessage = error.Message;
                    }
                    else throw new InvalidOperationException($"Bulk write to '{collection}' failed: {error.Message} (code {error.Code})", e);
                }
                // Unordered: every request without an error was applied.
                outcome.Succeeded.AddRange(Enumerable.Range(0, batch.Count).Where(i => !failed.Contains(i)).Select(i => pending[i]));
                if (e.Result.IsAcknowledged) outcome.Upserted.AddRange(e.Result.Upserts.Select(u => pending[u.Index]));
                if (retry.Count == 0) return outcome;
                if (attempt >= CosmosMongoCompatibility.MaxThrottleRetries)
                {
                    throw new StoreUnavailableException($"MongoDB store at {_endpoint} kept throttling {retry.Count} writes (16500 TooManyRequests)", e);
                }
                pending = retry;
                await Task.Delay(CosmosMongoCompatibility.RetryDelay(attempt, throttleMessage), ct);
            }
        }
    }

    public async Task<JsonObject?> GetAsync(string collection, string id, CancellationToken ct = default)
    {
        var doc = await RunAsync(() => Collection(collection).Find(F.Eq(DocumentJson.IdField, id)).FirstOrDefaultAsync(ct), ct);
        return doc is null ? null : BsonJson.ToJson(doc);
    }

    public async Task<IReadOnlyList<JsonObject>> FindAsync(string collection, DocumentQuery query, CancellationToken ct = default)
    {
        if (query.Limit is < 0) throw new ArgumentOutOfRangeException(nameof(query), "Limit must not be negative");
        if (query.Skip < 0) throw new ArgumentOutOfRangeException(nameof(query), "Skip must not be negative");
        if (query.Limit == 0) return [];
        var find = Collection(collection).Find(MongoQuery.Filter(query.Filters));
        if (MongoQuery.Sort(query) is { } sort) find = find.Sort(sort);
        if (query.Skip > 0) find = find.Skip(query.Skip);
        if (query.Limit is { } limit) find = find.Limit(limit);
        if (MongoQuery.Projection(query.Fields) is { } projection) find = find.Project<BsonDocument>(projection);
        var docs = await RunAsync(() => find.ToListAsync(ct), ct);
        return docs.Select(BsonJson.ToJson).ToList();
    }

    public Task<long> CountAsync(string collection, DocumentQuery? query = null, CancellationToken ct = default) =>
        RunAsync(() => Collection(collection).CountDocumentsAsync(MongoQuery.Filter(query?.Filters), cancellationToken: ct), ct);

    public async Task<bool> DeleteAsync(string collection, string id, CancellationToken ct = default)
    {
        BsonDocument? shardKeyDoc = null;
        var shardKey = CosmosMongoCompatibility.ShardKeyFor(collection, _shardKeys);
        if (shardKey is not null)
        {
            // A sharded Cosmos collection deletes single documents by _id and shard key: look the key up first.
            shardKeyDoc = await RunAsync(() => Collection(collection).Find(F.Eq(DocumentJson.IdField, id))
                .Project(Builders<BsonDocument>.Projection.Include(shardKey)).FirstOrDefaultAsync(ct), ct);
            if (shardKeyDoc is null) return false;
        }
        var result = await RunAsync(() => Collection(collection).DeleteOneAsync(IdFilter(collection, id, shardKeyDoc), ct), ct);
        return result.DeletedCount == 1;
    }

    public async Task<long> DeleteManyAsync(string collection, DocumentQuery query, CancellationToken ct = default)
    {
        var result = await RunAsync(() => Collection(collection).DeleteManyAsync(MongoQuery.Filter(query.Filters), ct), ct);
        return result.DeletedCount;
    }

    public Task PingAsync(CancellationToken ct = default) =>
        RunAsync(() => _database.RunCommandAsync<BsonDocument>(new BsonDocument("ping", 1), cancellationToken: ct), ct);

    public void Dispose() => _client.Dispose();

    /// <summary>Retries Cosmos throttling; maps an unreachable server to <see cref="StoreUnavailableException"/>.</summary>
    private async Task<T> RunAsync<T>(Func<Task<T>> action, CancellationToken ct)
    {
        try
        {
            return await CosmosMongoCompatibility.ThrottleRetryPipeline.ExecuteAsync(async _ => await action(), ct);
        }
        catch (Exception e) when (IsUnavailable(e) && !ct.IsCancellationRequested)
        {
            throw new StoreUnavailableException($"MongoDB store at {_endpoint} is unavailable: {e.Message}", e);
        }
        catch (MongoWriteException e) when (e.WriteError?.Category == ServerErrorCategory.DuplicateKey)
        {
            throw new DuplicateKeyException($"A unique index rejected the write: {e.WriteError.Message}", e);
        }
    }

    private async Task RunAsync(Func<Task> action, CancellationToken ct) =>
        await RunAsync(async () => { await action(); return 0; }, ct);

    private static bool IsUnavailable(Exception e) => e switch
    {
        MongoConnectionException or MongoNotPrimaryException or MongoNodeIsRecoveringException => true,
        TimeoutException => true, // server selection timed out
        SocketException or IOException => true,
        _ when CosmosMongoCompatibility.IsThrottled(e) => true, // throttled beyond the retry budget
        _ => false,
    };
}
