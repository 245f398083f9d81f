using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using Pipeline.Domain;
using Pipeline.Storage.Events;

namespace Pipeline.Storage.Postgres;

/// <summary>
/// The set-based event sink for PostgreSQL. One transaction per batch: the events go by binary COPY into a staging table
/// and are merged with one <c>INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING id</c>, which says which are new; the
/// projections fold only the new events, in process, into one delta document per touched key (no read of the stored
/// documents), the deltas go by one more binary COPY into staging, and one <c>INSERT … SELECT … ON CONFLICT DO UPDATE</c> per
/// collection combines each delta with the stored document through that collection's SQL merge function
/// (<see cref="PostgresMergeFunctions"/>). Events and projections commit together, so a crash leaves neither; redelivery of
/// a committed batch finds no new events and changes nothing. Rows are merged in id order, so two batches touching the same
/// documents lock them in the same order.
/// </summary>
internal sealed class PostgresEventWriter
{
    private const string Stage = "pipeline_stage";

    private readonly PostgresStore _store;
    private readonly IReadOnlyList<(IEventProjection Projection, string MergeFunction)> _projections;
    private volatile bool _ready;

    private PostgresEventWriter(PostgresStore store, IReadOnlyList<(IEventProjection, string)> projections)
    {
        _store = store;
        _projections = projections;
    }

    /// <summary>A writer for these projections, or null when one of them has no SQL merge (the generic path then runs).</summary>
    public static PostgresEventWriter? For(PostgresStore store, IReadOnlyList<IEventProjection> projections)
    {
        var merges = new List<(IEventProjection, string)>(projections.Count);
        foreach (var p in projections)
        {
            if (PostgresMergeFunctions.For(p) is not { } function) return null;
            merges.Add((p, function));
        }
        return new PostgresEventWriter(store, merges);
    }

    /// <summary>Writes events (already unique by id) and their projections; returns how many events were new.</summary>
    public async Task<int> WriteAsync(IReadOnlyList<GitHubEvent> events, CancellationToken ct)
    {
        if (!_ready) await PrepareAsync(ct);
        try
        {
            return await _store.ExecuteAsync(conn => WriteAsync(conn, events, ct), ct);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.UndefinedFunction)
        {
            // Tables or functions dropped behind our back (tests recreate databases): create again and retry once.
            await PrepareAsync(ct);
            return await _store.ExecuteAsync(conn => WriteAsync(conn, events, ct), ct);
        }
    }

    private async Task PrepareAsync(CancellationToken ct)
    {
        await _store.EnsureCollectionsAsync(
            [new CollectionDefinition(Collections.Events), .. _projections.Select(p => new CollectionDefinition(p.Projection.Collection))], ct);
        await _store.ExecuteAsync(async conn =>
        {
            await using var tx = await conn.BeginTransactionAsync(ct);
            // CREATE OR REPLACE FUNCTION from two processes at once fails with "tuple concurrently updated": serialise.
            await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(7150015)", conn, tx)) await lockCmd.ExecuteNonQueryAsync(ct);
            await using (var cmd = new NpgsqlCommand(PostgresMergeFunctions.CreateSql, conn, tx)) await cmd.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
            return 0;
        }, ct);
        _ready = true;
    }

    private async Task<int> WriteAsync(NpgsqlConnection conn, IReadOnlyList<GitHubEvent> events, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct);
        // One staging table per pooled connection, emptied at every commit: no catalog writes per batch (a temp table
        // created and dropped per transaction costs catalog inserts and invalidations that slow every backend). The store's
        // data source keeps session state across pool returns (PostgresStore: No Reset On Close) so it survives.
        await using (var create = new NpgsqlCommand(
            $"CREATE TEMP TABLE IF NOT EXISTS {Stage} (c smallint NOT NULL, id text NOT NULL, doc jsonb NOT NULL) ON COMMIT DELETE ROWS", conn, tx))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        await using (var copy = await conn.BeginBinaryImportAsync($"COPY {Stage} (c, id, doc) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var e in events)
            {
                await WriteRowAsync(copy, 0, e.Id, DocumentJson.Serialize(e.Id, EventDocument.From(e), replaceNul: true), ct);
            }
            await copy.CompleteAsync(ct);
        }

        var freshIds = new HashSet<string>(StringComparer.Ordinal);
        await using (var insert = new NpgsqlCommand(
            $"INSERT INTO {PostgresSql.Table(Collections.Events)} (id, doc) SELECT id, doc FROM {Stage} WHERE c = 0 ORDER BY id " +
            "ON CONFLICT (id) DO NOTHING RETURNING id", conn, tx))
        await using (var reader = await insert.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) freshIds.Add(reader.GetString(0));
        }
        if (freshIds.Count == 0)
        {
            await tx.CommitAsync(ct);
            return 0;
        }
        var fresh = freshIds.Count == events.Count ? events : events.Where(e => freshIds.Contains(e.Id)).ToList();

        var batch = new NpgsqlBatch(conn, tx);
        await using (var copy = await conn.BeginBinaryImportAsync($"COPY {Stage} (c, id, doc) FROM STDIN (FORMAT BINARY)", ct))
        {
            for (short i = 0; i < _projections.Count; i++)
            {
                var (projection, merge) = _projections[i];
                var groups = Group(projection, fresh);
                if (groups.Count == 0) continue;
                var tag = (short)(i + 1);
                foreach (var (key, list) in groups)
                {
                    var delta = projection.Apply(key, null, list);
                    await WriteRowAsync(copy, tag, key, DocumentJson.Serialize(key, delta, replaceNul: true), ct);
                }
                var table = PostgresSql.Table(projection.Collection);
                batch.BatchCommands.Add(new NpgsqlBatchCommand(
                    $"INSERT INTO {table} AS t (id, doc) SELECT id, doc FROM {Stage} WHERE c = {tag} ORDER BY id " +
                    $"ON CONFLICT (id) DO UPDATE SET doc = {merge}(t.doc, EXCLUDED.doc)"));
            }
            await copy.CompleteAsync(ct);
        }
        await using (batch)
        {
            if (batch.BatchCommands.Count > 0) await batch.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return freshIds.Count;
    }

    private static async Task WriteRowAsync(NpgsqlBinaryImporter copy, short collection, string id, string json, CancellationToken ct)
    {
        await copy.StartRowAsync(ct);
        await copy.WriteAsync(collection, NpgsqlDbType.Smallint, ct);
        await copy.WriteAsync(id, NpgsqlDbType.Text, ct);
        await copy.WriteAsync(json, NpgsqlDbType.Jsonb, ct);
    }

    /// <summary>The events of the batch per document key, in batch order.</summary>
    private static Dictionary<string, List<GitHubEvent>> Group(IEventProjection projection, IReadOnlyList<GitHubEvent> events)
    {
        var groups = new Dictionary<string, List<GitHubEvent>>(StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (projection.KeyOf(e) is not { } key) continue;
            if (!groups.TryGetValue(key, out var list)) groups[key] = list = [];
            list.Add(e);
        }
        return groups;
    }
}
