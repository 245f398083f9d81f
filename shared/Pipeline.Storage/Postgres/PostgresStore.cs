using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace Pipeline.Storage.Postgres;

/// <summary>
/// <see cref="IDocumentStore"/> over PostgreSQL JSONB: one table per collection, <c>(id text primary key, doc jsonb not null)</c>,
/// with <c>doc._id = id</c>. Batches go in one statement each (<c>unnest</c> of id and document arrays). Connections are pooled
/// by one <see cref="NpgsqlDataSource"/>. Collections that were never created behave like MongoDB's: reads find nothing and
/// the first write creates the table.
/// </summary>
internal sealed class PostgresStore : IDocumentStore, IAsyncDisposable, IDisposable
{
    /// <summary>Rows per statement in batch writes; keeps a statement's parameters well under PostgreSQL's limits.</summary>
    public const int BatchChunk = 5000;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _endpoint;
    private readonly ConcurrentDictionary<string, byte> _knownTables = new(StringComparer.Ordinal);

    // The text-indexed fields per collection, which decide the shape of queries (PostgresSql). Known from the default
    // schema without ensuring anything (a host with Store:EnsureSchemaOnStart=false), and from every definition ensured.
    private readonly ConcurrentDictionary<string, IReadOnlySet<string>> _textFields = new(
        StoreSchema.Default.Select(c => KeyValuePair.Create(c.Name, PostgresSql.TextFields(c.Indexes))), StringComparer.Ordinal);

    public PostgresStore(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException("Store:PostgresConnectionString is required for the postgres store provider", nameof(connectionString));
        }
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        _endpoint = $"{builder.Host}:{builder.Port}/{builder.Database}";
        // No session state is set anywhere (no SET, no temp tables, no LISTEN): skipping DISCARD ALL on pool return saves
        // a statement per pooled use.
        builder.NoResetOnClose = true;
        _dataSource = NpgsqlDataSource.Create(builder);
    }

    public string Provider => "postgres";

    public async Task EnsureCollectionsAsync(IEnumerable<CollectionDefinition> collections, CancellationToken ct = default)
    {
        foreach (var collection in collections)
        {
            var table = PostgresSql.Table(collection.Name);
            await ExecuteAsync(async conn =>
            {
                await CreateTableAsync(conn, collection.Name, ct);
                foreach (var index in collection.Indexes)
                {
                    var sql = IndexSql(collection.Name, table, index);
                    if (sql is null) continue;
                    await using var cmd = new NpgsqlCommand(sql, conn);
                    try
                    {
                        await cmd.ExecuteNonQueryAsync(ct);
                    }
                    catch (PostgresException e) when (CreatedConcurrently(e))
                    {
                        // Another process ensured the same index at the same moment; it exists now.
                    }
                }
                // Migration of existing data directories, after the new indexes exist: an index that became a text index
                // leaves its jsonb predecessor (same definition name, no suffix), and retired ones go.
                var obsolete = collection.Indexes.Where(i => i.Text).Select(i => i.Name).Concat(collection.RetiredIndexes)
                    .Select(name => IndexName(collection.Name, StoreNames.Index(name)));
                foreach (var name in obsolete)
                {
                    await using var drop = new NpgsqlCommand($"DROP INDEX IF EXISTS \"{name}\"", conn);
                    await drop.ExecuteNonQueryAsync(ct);
                }
                return 0;
            }, ct);
            // United, not replaced: ensuring a collection without its indexes (PostgresEventWriter creates its tables so)
            // does not change the shape of its queries.
            var added = PostgresSql.TextFields(collection.Indexes);
            _textFields.AddOrUpdate(collection.Name, added, (_, known) => known.Union(added).ToHashSet(StringComparer.Ordinal));
        }
    }

    private IReadOnlySet<string>? TextFieldsOf(string collection) => _textFields.GetValueOrDefault(collection);

    /// <summary>CREATE INDEX for a definition, or null when the primary key already is that index (unique on <c>_id</c>).</summary>
    private static string? IndexSql(string collection, string table, IndexDefinition index)
    {
        StoreNames.Index(index.Name);
        if (index.Fields.Count == 0) throw new ArgumentException($"Index '{index.Name}' on '{collection}' has no fields");
        if (index.Fields is [DocumentJson.IdField]) return null;
        if (index.Text && (index.Fields.Count != 1 || index.Fields[0] == DocumentJson.IdField || index.Unique))
        {
            throw new ArgumentException($"Text index '{index.Name}' on '{collection}' must be one field other than _id, not unique");
        }
        var columns = string.Join(", ", index.Fields.Select(f =>
            f == DocumentJson.IdField ? "id" : (index.Text ? PostgresSql.TextPath(f) : PostgresSql.JsonPath(f)) + " NULLS FIRST"));
        // NULLS FIRST matches the ascending sort order of PostgresSql.OrderBy, so the index also serves sorts (both ways).
        // NULLS NOT DISTINCT: like MongoDB, a unique index admits only one document without the field.
        var unique = index.Unique ? "UNIQUE " : "";
        var nulls = index.Unique ? " NULLS NOT DISTINCT" : "";
        // Partial: any filter on the field with a strict operator (=, <, ANY) implies IS NOT NULL, so the planner uses it
        // (for a text index, the jsonb_typeof guard every text comparison carries implies it).
        var where = index.SparseField is { } sparse && sparse != DocumentJson.IdField ? $" WHERE {PostgresSql.JsonPath(sparse)} IS NOT NULL" : "";
        // A text index gets its own name, so a data directory with the jsonb index of the same definition builds it
        // (IF NOT EXISTS would otherwise keep the old one) and EnsureCollectionsAsync then drops the old one.
        var name = IndexName(collection, index.Text ? index.Name + TextIndexSuffix : index.Name);
        return $"CREATE {unique}INDEX IF NOT EXISTS \"{name}\" ON {table} ({columns}){nulls}{where}";
    }

    /// <summary>Suffix of a text index's name (<c>events__repo_text</c>).</summary>
    internal const string TextIndexSuffix = "_text";

    /// <summary>Index names share one namespace per schema and PostgreSQL truncates at 63 bytes: prefix with the table,
    /// and shorten with a hash when too long.</summary>
    private static string IndexName(string collection, string index)
    {
        var name = $"{collection}__{index}";
        if (name.Length <= 63) return name;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..8];
        return name[..54] + "_" + hash;
    }

    /// <summary>
    /// What <c>CREATE … IF NOT EXISTS</c> raises when another session creates the same relation at the same moment: the
    /// existence check runs before the catalog rows are locked, so the loser fails on the catalog's unique index
    /// (pg_type, pg_class) or as a duplicate table instead of skipping.
    /// </summary>
    private static bool CreatedConcurrently(PostgresException e) =>
        e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateObject or PostgresErrorCodes.DuplicateTable;

    private async Task CreateTableAsync(NpgsqlConnection conn, string collection, CancellationToken ct)
    {
        var table = PostgresSql.Table(collection);
        await using var cmd = new NpgsqlCommand($"CREATE TABLE IF NOT EXISTS {table} (id text PRIMARY KEY, doc jsonb NOT NULL)", conn);
        try
        {
            await cmd.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (CreatedConcurrently(e))
        {
            // Two writers created it at the same moment (IF NOT EXISTS checks before it locks); it exists now.
        }
        _knownTables[collection] = 0;
    }

    public async Task<bool> UpsertAsync(string collection, string id, JsonObject document, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var table = PostgresSql.Table(collection);
        var json = DocumentJson.Serialize(id, document, replaceNul: true);
        return await WriteAsync(collection, async conn =>
        {
            await using var cmd = new NpgsqlCommand(
                $"INSERT INTO {table} (id, doc) VALUES (@id, @doc) ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc RETURNING (xmax = 0)", conn);
            cmd.Parameters.Add(new NpgsqlParameter("id", NpgsqlDbType.Text) { Value = id });
            cmd.Parameters.Add(new NpgsqlParameter("doc", NpgsqlDbType.Jsonb) { Value = json });
            return (bool)(await cmd.ExecuteScalarAsync(ct))!;
        }, ct);
    }

    public async Task<int> UpsertManyAsync(string collection, IReadOnlyList<KeyValuePair<string, JsonObject>> documents, CancellationToken ct = default)
    {
        var table = PostgresSql.Table(collection);
        var inserted = 0;
        foreach (var chunk in Chunks(DocumentJson.LastPerId(documents)))
        {
            var (ids, docs) = Arrays(chunk);
            inserted += await UpsertArraysAsync(collection, table, ids, docs, ct);
        }
        return inserted;
    }

    public async Task<int> UpsertManyJsonAsync(string collection, IReadOnlyList<KeyValuePair<string, string>> documents, CancellationToken ct = default)
    {
        var table = PostgresSql.Table(collection);
        // The last document per id wins, as in UpsertManyAsync; rows in id order so concurrent batches lock in one order.
        var unique = new Dictionary<string, string>(documents.Count, StringComparer.Ordinal);
        foreach (var (id, json) in documents)
        {
            ArgumentNullException.ThrowIfNull(id, "id");
            unique[id] = json;
        }
        var sorted = unique.OrderBy(d => d.Key, StringComparer.Ordinal).ToList();
        var inserted = 0;
        for (var i = 0; i < sorted.Count; i += BatchChunk)
        {
            var count = Math.Min(BatchChunk, sorted.Count - i);
            var ids = new string[count];
            var docs = new string[count];
            for (var k = 0; k < count; k++)
            {
                ids[k] = sorted[i + k].Key;
                docs[k] = DocumentJson.SanitizeForJsonb(sorted[i + k].Value);
            }
            inserted += await UpsertArraysAsync(collection, table, ids, docs, ct);
        }
        return inserted;
    }

    public async Task<bool> InsertIfAbsentAsync(string collection, string id, JsonObject document, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var table = PostgresSql.Table(collection);
        var json = DocumentJson.Serialize(id, document, replaceNul: true);
        return await WriteAsync(collection, async conn =>
        {
            await using var cmd = new NpgsqlCommand(
                $"INSERT INTO {table} (id, doc) VALUES (@id, @doc) ON CONFLICT (id) DO NOTHING", conn);
            cmd.Parameters.Add(new NpgsqlParameter("id", NpgsqlDbType.Text) { Value = id });
            cmd.Parameters.Add(new NpgsqlParameter("doc", NpgsqlDbType.Jsonb) { Value = json });
            return await cmd.ExecuteNonQueryAsync(ct) == 1;
        }, ct);
    }

    public async Task<IReadOnlyList<string>> InsertManyIfAbsentAsync(string collection, IReadOnlyList<KeyValuePair<string, JsonObject>> documents, CancellationToken ct = default)
    {
        var table = PostgresSql.Table(collection);
        var inserted = new List<string>();
        foreach (var chunk in Chunks(DocumentJson.FirstPerId(documents)))
        {
            var (ids, docs) = Arrays(chunk);
            var chunkInserted = await WriteAsync(collection, async conn =>
            {
                await using var cmd = new NpgsqlCommand(
                    $"INSERT INTO {table} (id, doc) SELECT * FROM unnest(@ids, @docs) ON CONFLICT (id) DO NOTHING RETURNING id", conn);
                AddArrays(cmd, ids, docs);
                var result = new List<string>();
                await using var reader = await cmd.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct)) result.Add(reader.GetString(0));
                return result;
            }, ct);
            inserted.AddRange(chunkInserted);
        }
        // Report in the caller's order.
        var set = inserted.ToHashSet(StringComparer.Ordinal);
        return documents.Select(d => d.Key).Where(set.Remove).ToList();
    }

    public async Task<JsonObject?> GetAsync(string collection, string id, CancellationToken ct = default)
    {
        var table = PostgresSql.Table(collection);
        return await ReadAsync(collection, null, async conn =>
        {
            await using var cmd = new NpgsqlCommand($"SELECT doc FROM {table} WHERE id = @id", conn);
            cmd.Parameters.Add(new NpgsqlParameter("id", NpgsqlDbType.Text) { Value = id });
            var json = await cmd.ExecuteScalarAsync(ct) as string;
            return json is null ? null : DocumentJson.Parse(json);
        }, ct);
    }

    public async Task<IReadOnlyList<JsonObject>> FindAsync(string collection, DocumentQuery query, CancellationToken ct = default)
    {
        var (text, parameters) = PostgresSql.Select(collection, query, TextFieldsOf(collection) ?? new HashSet<string>());
        if (query.Limit == 0) return [];
        return await ReadAsync<IReadOnlyList<JsonObject>>(collection, [], async conn =>
        {
            await using var cmd = new NpgsqlCommand(text, conn);
            cmd.Parameters.AddRange(parameters);
            var result = new List<JsonObject>();
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) result.Add(DocumentJson.Parse(reader.GetString(0)));
            return result;
        }, ct);
    }

    public async Task<long> CountAsync(string collection, DocumentQuery? query = null, CancellationToken ct = default)
    {
        var table = PostgresSql.Table(collection);
        var sql = new PostgresSql(TextFieldsOf(collection));
        var text = $"SELECT count(*) FROM {table} WHERE {sql.Where(query?.Filters ?? [])}";
        return await ReadAsync(collection, 0L, async conn =>
        {
            await using var cmd = new NpgsqlCommand(text, conn);
            cmd.Parameters.AddRange(sql.Parameters.ToArray());
            return (long)(await cmd.ExecuteScalarAsync(ct))!;
        }, ct);
    }

    public async Task<bool> DeleteAsync(string collection, string id, CancellationToken ct = default)
    {
        var table = PostgresSql.Table(collection);
        return await ReadAsync(collection, false, async conn =>
        {
            await using var cmd = new NpgsqlCommand($"DELETE FROM {table} WHERE id = @id", conn);
            cmd.Parameters.Add(new NpgsqlParameter("id", NpgsqlDbType.Text) { Value = id });
            return await cmd.ExecuteNonQueryAsync(ct) == 1;
        }, ct);
    }

    public async Task<long> DeleteManyAsync(string collection, DocumentQuery query, CancellationToken ct = default)
    {
        var table = PostgresSql.Table(collection);
        var sql = new PostgresSql(TextFieldsOf(collection));
        var text = $"DELETE FROM {table} WHERE {sql.Where(query.Filters)}";
        return await ReadAsync(collection, 0L, async conn =>
        {
            await using var cmd = new NpgsqlCommand(text, conn);
            cmd.Parameters.AddRange(sql.Parameters.ToArray());
            return (long)await cmd.ExecuteNonQueryAsync(ct);
        }, ct);
    }

    public Task PingAsync(CancellationToken ct = default) => ExecuteAsync(async conn =>
    {
        await using var cmd = new NpgsqlCommand("SELECT 1", conn);
        await cmd.ExecuteScalarAsync(ct);
        return 0;
    }, ct);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();

    private static IEnumerable<IReadOnlyList<KeyValuePair<string, JsonObject>>> Chunks(IReadOnlyList<KeyValuePair<string, JsonObject>> documents)
    {
        // Rows in id order: two batches touching the same ids then lock them in the same order and cannot deadlock.
        var sorted = documents.OrderBy(d => d.Key, StringComparer.Ordinal).ToList();
        for (var i = 0; i < sorted.Count; i += BatchChunk)
        {
            yield return sorted.GetRange(i, Math.Min(BatchChunk, sorted.Count - i));
        }
    }

    private static (string[] Ids, string[] Docs) Arrays(IReadOnlyList<KeyValuePair<string, JsonObject>> chunk)
    {
        var ids = new string[chunk.Count];
        var docs = new string[chunk.Count];
        for (var i = 0; i < chunk.Count; i++)
        {
            ids[i] = chunk[i].Key;
            docs[i] = DocumentJson.Serialize(chunk[i].Key, chunk[i].Value, replaceNul: true);
        }
        return (ids, docs);
    }

    /// <summary>One upsert of the id and document arrays (one statement, one implicit commit); how many of the ids were new.</summary>
    private Task<int> UpsertArraysAsync(string collection, string table, string[] ids, string[] docs, CancellationToken ct) =>
        WriteAsync(collection, async conn =>
        {
            await using var cmd = new NpgsqlCommand(
                $"INSERT INTO {table} (id, doc) SELECT * FROM unnest(@ids, @docs) " +
                "ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc RETURNING (xmax = 0)", conn);
            AddArrays(cmd, ids, docs);
            var inserted = 0;
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                if (reader.GetBoolean(0)) inserted++;
            }
            return inserted;
        }, ct);

    private static void AddArrays(NpgsqlCommand cmd, string[] ids, string[] docs)
    {
        cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = ids });
        cmd.Parameters.Add(new NpgsqlParameter("docs", NpgsqlDbType.Array | NpgsqlDbType.Jsonb) { Value = docs });
    }

    /// <summary>A write: creates the table on first use of a collection that was never ensured.</summary>
    private Task<T> WriteAsync<T>(string collection, Func<NpgsqlConnection, Task<T>> action, CancellationToken ct) =>
        ExecuteAsync(async conn =>
        {
            if (!_knownTables.ContainsKey(collection))
            {
                await CreateTableAsync(conn, collection, ct);
            }
            try
            {
                return await action(conn);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                // Dropped behind our back since we created it: create again and retry once.
                await CreateTableAsync(conn, collection, ct);
                return await action(conn);
            }
        }, ct);

    /// <summary>A read (or delete): a collection that does not exist yet holds nothing.</summary>
    private Task<T> ReadAsync<T>(string collection, T whenMissing, Func<NpgsqlConnection, Task<T>> action, CancellationToken ct) =>
        ExecuteAsync(async conn =>
        {
            try
            {
                return await action(conn);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                _knownTables.TryRemove(collection, out _);
                return whenMissing;
            }
        }, ct);

    /// <summary>
    /// Runs one operation on a pooled connection. Connection failures become <see cref="StoreUnavailableException"/>. After a
    /// server restart the pool still holds dead connections; the first failure clears the pool and the operation is tried
    /// once more on a fresh connection (every operation here is idempotent: upserts, insert-if-absent, reads, deletes).
    /// </summary>
    internal async Task<T> ExecuteAsync<T>(Func<NpgsqlConnection, Task<T>> action, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var conn = await _dataSource.OpenConnectionAsync(ct);
                return await action(conn);
            }
            catch (Exception e) when (IsUnavailable(e) && !ct.IsCancellationRequested)
            {
                _dataSource.Clear();
                if (attempt < 2) continue;
                throw new StoreUnavailableException($"PostgreSQL store at {_endpoint} is unavailable: {e.Message}", e);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw new DuplicateKeyException($"Unique index {e.ConstraintName} rejected the write: {e.MessageText}", e);
            }
        }
    }

    private static bool IsUnavailable(Exception e) => e switch
    {
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exceptions
            || pg.SqlState.StartsWith("53", StringComparison.Ordinal) // insufficient resources (too many connections, disk full)
            || pg.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                or PostgresErrorCodes.DatabaseDropped,
        NpgsqlException npg => npg.IsTransient || npg.InnerException is SocketException or IOException or TimeoutException,
        SocketException or IOException or TimeoutException => true,
        _ => false,
    };
}
