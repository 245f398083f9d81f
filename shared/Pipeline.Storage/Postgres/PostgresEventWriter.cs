using System.Text;
using Npgsql;
using NpgsqlTypes;
using Pipeline.Domain;
using Pipeline.Storage.Events;

namespace Pipeline.Storage.Postgres;

/// <summary>
/// The set-based event sink for PostgreSQL: one statement and one commit per batch. The events travel as two arrays
/// (ids, documents) and are merged with <c>INSERT … SELECT … FROM unnest(…) ON CONFLICT DO NOTHING RETURNING id</c>; the
/// projections fold the batch in process into one delta document per touched key (no read of the stored documents), and
/// in the same statement one <c>INSERT … SELECT … FROM unnest(…) ON CONFLICT DO UPDATE</c> per collection combines each
/// delta with the stored document through that collection's SQL merge function (<see cref="PostgresMergeFunctions"/>).
/// The projection inserts run only when every event of the batch was new (the common case, checked inside the statement
/// on what the events insert returned); otherwise the statement stores just the new events, and a second statement in
/// the same transaction merges the deltas of those events alone, so an event already stored is never projected again.
/// Events and projections commit together, so a crash leaves neither; redelivery of a committed batch finds no new events
/// and changes nothing. Rows are merged in id order, so two batches touching the same documents lock them in the same order.
/// </summary>
internal sealed class PostgresEventWriter
{
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
        var rows = EventRows(events);
        var deltas = Deltas(events);
        try
        {
            return await _store.ExecuteAsync(conn => WriteAsync(conn, events, rows, deltas, ct), ct);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.UndefinedFunction)
        {
            // Tables or functions dropped behind our back (tests recreate databases): create again and retry once.
            await PrepareAsync(ct);
            return await _store.ExecuteAsync(conn => WriteAsync(conn, events, rows, deltas, ct), ct);
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

    private async Task<int> WriteAsync(
        NpgsqlConnection conn, IReadOnlyList<GitHubEvent> events, (string[] Ids, string[] Docs) rows, List<Delta> deltas, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct);
        int fresh;
        string[]? freshIds;
        await using (var cmd = Statement(conn, tx, rows, deltas, events.Count))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            fresh = (int)reader.GetInt64(0);
            freshIds = reader.IsDBNull(1) ? null : reader.GetFieldValue<string[]>(1);
        }
        if (fresh > 0 && fresh < events.Count)
        {
            // Some events were stored before (a redelivered batch that straddles a commit): project only the new ones.
            var isFresh = freshIds!.ToHashSet(StringComparer.Ordinal);
            var newDeltas = Deltas(events.Where(e => isFresh.Contains(e.Id)).ToList());
            if (newDeltas.Count > 0)
            {
                await using var cmd = Statement(conn, tx, null, newDeltas, 0);
                await cmd.ExecuteNonQueryAsync(ct);
            }
        }
        await tx.CommitAsync(ct);
        return fresh;
    }

    /// <summary>
    /// One statement: the events insert (when <paramref name="rows"/> is given) as a data-modifying CTE, and one
    /// projection upsert per delta, guarded by "every event was new" (<paramref name="expected"/> &gt; 0) or unguarded.
    /// It returns the number of new events and, when not all were new, their ids.
    /// </summary>
    private static NpgsqlCommand Statement(NpgsqlConnection conn, NpgsqlTransaction tx, (string[] Ids, string[] Docs)? rows, List<Delta> deltas, int expected)
    {
        var cmd = new NpgsqlCommand { Connection = conn, Transaction = tx };
        var sql = new StringBuilder("WITH ");
        if (rows is { } r)
        {
            var (ids, docs) = Arrays(cmd, r.Ids, r.Docs);
            sql.Append("ev AS (INSERT INTO ").Append(PostgresSql.Table(Collections.Events))
                .Append($" (id, doc) SELECT u.id, u.doc FROM unnest({ids}, {docs}) AS u(id, doc) ORDER BY u.id ")
                .Append("ON CONFLICT (id) DO NOTHING RETURNING id), n AS (SELECT count(*) AS fresh FROM ev)");
        }
        else
        {
            sql.Append("n AS (SELECT 0::bigint AS fresh)");
        }
        var guard = rows is null ? "" : $" WHERE (SELECT fresh FROM n) = {expected}";
        for (var i = 0; i < deltas.Count; i++)
        {
            var d = deltas[i];
            var (ids, docs) = Arrays(cmd, d.Keys, d.Docs);
            sql.Append($", p{i} AS (INSERT INTO {PostgresSql.Table(d.Collection)} AS t (id, doc) SELECT u.id, u.doc FROM unnest({ids}, {docs}) AS u(id, doc)")
                .Append(guard)
                .Append($" ORDER BY u.id ON CONFLICT (id) DO UPDATE SET doc = {d.MergeFunction}(t.doc, EXCLUDED.doc))");
        }
        sql.Append(rows is null
            ? " SELECT fresh, NULL::text[] FROM n"
            : $" SELECT fresh, CASE WHEN fresh < {expected} THEN ARRAY(SELECT id FROM ev) END FROM n");
        cmd.CommandText = sql.ToString();
        return cmd;
    }

    private static (string Ids, string Docs) Arrays(NpgsqlCommand cmd, string[] ids, string[] docs)
    {
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = ids });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb, Value = docs });
        return ($"${cmd.Parameters.Count - 1}::text[]", $"${cmd.Parameters.Count}::jsonb[]");
    }

    private static (string[] Ids, string[] Docs) EventRows(IReadOnlyList<GitHubEvent> events)
    {
        var ids = new string[events.Count];
        var docs = new string[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            ids[i] = events[i].Id;
            docs[i] = DocumentJson.Serialize(events[i].Id, EventDocument.From(events[i]), replaceNul: true);
        }
        return (ids, docs);
    }

    private sealed record Delta(string Collection, string MergeFunction, string[] Keys, string[] Docs);

    /// <summary>Per projection touched by the events: one delta document per key, the projection applied to nothing.</summary>
    private List<Delta> Deltas(IReadOnlyList<GitHubEvent> events)
    {
        var result = new List<Delta>(_projections.Count);
        foreach (var (projection, merge) in _projections)
        {
            var groups = Group(projection, events);
            if (groups.Count == 0) continue;
            var keys = new string[groups.Count];
            var docs = new string[groups.Count];
            var i = 0;
            foreach (var (key, list) in groups)
            {
                keys[i] = key;
                docs[i] = DocumentJson.Serialize(key, projection.Apply(key, null, list), replaceNul: true);
                i++;
            }
            result.Add(new Delta(projection.Collection, merge, keys, docs));
        }
        return result;
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
