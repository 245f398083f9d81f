using System.Diagnostics;
using System.Globalization;
using Pipeline.Domain;
using Pipeline.Embedded;
using Pipeline.Storage;
using Pipeline.Storage.Events;
using Pipeline.Storage.Postgres;
using Pipeline.Testing.Kafka;
using static Pipeline.Bench.Ingest.IngestBenchSupport;

namespace Pipeline.Bench.Ingest;

/// <summary>
/// PostgreSQL's own cost per projection row: the ingest bench's events folded per batch into one delta per document key
/// (as <see cref="PostgresEventWriter"/> does), then upserted into tables that differ only in their secondary indexes and in
/// the <c>ON CONFLICT DO UPDATE</c> expression, interleaved per run so every variant sees the same load. Usage:
/// <c>ingest-floor-projections [--events N] [--runs R] [--batch B] [--parallel W] [--only text]</c> (<c>--only</c> keeps
/// the variants whose name contains the text). The last variants insert the event rows themselves the way the writer
/// does, against a plain INSERT, to set the statement's cost beside the COPY floor of <c>ingest-floor</c>. Before the clock starts each
/// table holds the documents of one untimed pass over other events on the same keys, so the timed upserts are updates of
/// existing rows (the steady state of a long-running consumer), not inserts into an empty table. Prints the backends'
/// CPU per upserted row (utime + stime from /proc) next to the wall-clock rate.
/// </summary>
public static class ProjectionFloorBenchmark
{
    private sealed record Variant(string Collection, string Name, string[] Indexes, string Set, string? Storage = null);

    private const string Merge = "merge";
    private const string InsertOnConflict = "insert on conflict";
    private const string PlainInsert = "plain insert";

    private static readonly string[] EventTextIndexes =
    [
        "((doc->>'repo') COLLATE \"C\") NULLS FIRST", "((doc->>'created_at') COLLATE \"C\") NULLS FIRST",
        "((doc->>'received_at') COLLATE \"C\") NULLS FIRST",
        "((doc->>'delivery_id') COLLATE \"C\") NULLS FIRST) WHERE ((doc->'delivery_id') IS NOT NULL",
    ];

    private static readonly Variant[] Variants =
    [
        new(Collections.Repositories, "repositories: jsonb language, last_event_at, stargazers_count; SQL merge",
            ["(doc->'language') NULLS FIRST", "(doc->'last_event_at') NULLS FIRST", "(doc->'stargazers_count') NULLS FIRST"], Merge),
        new(Collections.Repositories, "repositories: same indexes; doc = EXCLUDED.doc (no merge)",
            ["(doc->'language') NULLS FIRST", "(doc->'last_event_at') NULLS FIRST", "(doc->'stargazers_count') NULLS FIRST"], "EXCLUDED.doc"),
        new(Collections.Repositories, "repositories: text C language, last_event_at; jsonb stargazers_count; SQL merge",
            ["((doc->>'language') COLLATE \"C\") NULLS FIRST", "((doc->>'last_event_at') COLLATE \"C\") NULLS FIRST", "(doc->'stargazers_count') NULLS FIRST"], Merge),
        new(Collections.Repositories, "repositories: text C last_event_at only; SQL merge",
            ["((doc->>'last_event_at') COLLATE \"C\") NULLS FIRST"], Merge),
        new(Collections.Repositories, "repositories: primary key only; SQL merge", [], Merge),
        new(Collections.Repositories, "repositories: primary key only; SQL merge; fillfactor 70", [], Merge, "fillfactor = 70"),
        new(Collections.Repositories, "repositories: primary key only; doc = EXCLUDED.doc", [], "EXCLUDED.doc"),
        new(Collections.Stars, "stars: jsonb repo, user, starred_at; SQL merge",
            ["(doc->'repo') NULLS FIRST", "(doc->'user') NULLS FIRST", "(doc->'starred_at') NULLS FIRST"], Merge),
        new(Collections.Stars, "stars: text C repo, user, starred_at; SQL merge",
            ["((doc->>'repo') COLLATE \"C\") NULLS FIRST", "((doc->>'user') COLLATE \"C\") NULLS FIRST", "((doc->>'starred_at') COLLATE \"C\") NULLS FIRST"], Merge),
        new(Collections.Stars, "stars: primary key only; SQL merge", [], Merge),
        // The event rows as the writer sends them (unnest into INSERT … ON CONFLICT DO NOTHING RETURNING id, counted in a
        // CTE), against a plain INSERT of the same rows: what the speculative insertion costs next to the COPY floor.
        new(Collections.Events, "events: text indexes (the store's four); INSERT … ON CONFLICT DO NOTHING RETURNING", EventTextIndexes, InsertOnConflict),
        new(Collections.Events, "events: text indexes; plain INSERT … SELECT unnest", EventTextIndexes, PlainInsert),
        new(Collections.Events, "events: primary key only; INSERT … ON CONFLICT DO NOTHING RETURNING", [], InsertOnConflict),
        new(Collections.Events, "events: primary key only; plain INSERT … SELECT unnest", [], PlainInsert),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var events = IntArg(args, "--events", 100_000);
        var runs = IntArg(args, "--runs", 3);
        var only = Array.IndexOf(args, "--only") is var o && o >= 0 && o + 1 < args.Length ? args[o + 1] : null;
        var variants = Variants.Where(v => only is null || v.Name.Contains(only, StringComparison.OrdinalIgnoreCase)).ToArray();
        var batch = IntArg(args, "--batch", new Pipeline.Ingestion.Kafka.KafkaOptions().ConsumerBatchSize);
        var parallel = IntArg(args, "--parallel", new Pipeline.Ingestion.Kafka.KafkaOptions().ConsumerMaxParallelWrites);
        Console.WriteLine($"load average before: {BenchMachine.LoadAverage()}");
        Console.WriteLine($"projections floor: {events:N0} events, batches of {batch}, {parallel} writer(s), {runs} run(s), {Environment.ProcessorCount} cores");
        await using var postgres = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { Unsafe = false });
        var projections = new Dictionary<string, IEventProjection>(StringComparer.Ordinal)
        {
            [Collections.Repositories] = new RepositoryProjection(),
            [Collections.Stars] = new StarProjection(),
        };
        // The same events as the ingest bench (same seed), and a seeding pass over other events on the same keys.
        var timed = TestEvents.Generate(events);
        var seed = TestEvents.Generate(events, firstId: 80_000_000_000, seed: 7);
        var batches = projections.ToDictionary(p => p.Key, p => Deltas(p.Value, timed, batch), StringComparer.Ordinal);
        var seedBatches = projections.ToDictionary(p => p.Key, p => Deltas(p.Value, seed, batch), StringComparer.Ordinal);
        batches[Collections.Events] = EventRows(timed, batch);
        seedBatches[Collections.Events] = [];
        foreach (var (collection, list) in batches)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {collection}: {list.Sum(b => b.Keys.Length):N0} upserts ({list.Sum(b => b.Keys.Length) / (double)events:F2} per event), mean delta {list.Average(b => b.Docs.Average(d => d.Length)):F0} chars"));
        }
        var rates = variants.Select(_ => new List<double>()).ToArray();
        var serverCpu = variants.Select(_ => new List<double>()).ToArray();
        for (var run = 1; run <= runs; run++)
        {
            Console.WriteLine($"run {run}: load average {BenchMachine.LoadAverage()}");
            for (var k = 0; k < variants.Length; k++)
            {
                var v = (k + run - 1) % variants.Length;
                var variant = variants[v];
                var (rate, cpu) = await UpsertAsync(postgres, variant, seedBatches[variant.Collection], batches[variant.Collection], parallel);
                rates[v].Add(rate);
                serverCpu[v].Add(cpu);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {variant.Name,-90} {rate,10:N0} rows/s  {cpu,5:F1} µs server CPU/row"));
            }
        }
        for (var v = 0; v < variants.Length; v++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"median {variants[v].Name,-90} {Median(rates[v]),10:N0} rows/s  server CPU {Median(serverCpu[v]):F1} µs/row  (runs: {string.Join(" / ", serverCpu[v].Select(r => r.ToString("F1", CultureInfo.InvariantCulture)))} µs)"));
        }
        Console.WriteLine($"load average after: {BenchMachine.LoadAverage()}");
        return 0;
    }

    private sealed record Batch(string[] Keys, string[] Docs);

    /// <summary>Per batch of events, one delta document per key: the projection applied to nothing (the writer's fold).</summary>
    private static List<Batch> Deltas(IEventProjection projection, List<GitHubEvent> events, int batch)
    {
        var result = new List<Batch>();
        for (var i = 0; i < events.Count; i += batch)
        {
            var groups = new SortedDictionary<string, List<GitHubEvent>>(StringComparer.Ordinal);
            foreach (var e in events.Skip(i).Take(batch))
            {
                if (projection.KeyOf(e) is not { } key) continue;
                if (!groups.TryGetValue(key, out var list)) groups[key] = list = [];
                list.Add(e);
            }
            result.Add(new Batch(
                groups.Keys.ToArray(),
                groups.Select(g => DocumentJson.Serialize(g.Key, projection.Apply(g.Key, null, g.Value), replaceNul: true)).ToArray()));
        }
        return result;
    }

    /// <summary>The event rows per batch, sorted by id, serialised as the writer does.</summary>
    private static List<Batch> EventRows(List<GitHubEvent> events, int batch) =>
        events.Chunk(batch).Select(c =>
        {
            var sorted = c.OrderBy(e => e.Id, StringComparer.Ordinal).ToArray();
            return new Batch(sorted.Select(e => e.Id).ToArray(),
                sorted.Select(e => DocumentJson.Serialize(e.Id, EventDocument.From(e), replaceNul: true)).ToArray());
        }).ToList();

    private static async Task<(double Rate, double ServerCpuMicrosPerRow)> UpsertAsync(
        EmbeddedPostgres postgres, Variant variant, List<Batch> seed, List<Batch> batches, int parallel)
    {
        var connectionString = await postgres.CreateDatabaseAsync($"pfloor_{Guid.NewGuid().ToString("N")[..10]}");
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(connectionString);
        var storage = variant.Storage is null ? "" : $" WITH ({variant.Storage})";
        await using (var create = dataSource.CreateCommand($"CREATE TABLE bare_projection (id text PRIMARY KEY, doc jsonb NOT NULL){storage}"))
        {
            await create.ExecuteNonQueryAsync();
        }
        for (var i = 0; i < variant.Indexes.Length; i++)
        {
            await using var index = dataSource.CreateCommand($"CREATE INDEX bare_projection_{i} ON bare_projection ({variant.Indexes[i]})");
            await index.ExecuteNonQueryAsync();
        }
        await using (var functions = dataSource.CreateCommand(PostgresMergeFunctions.CreateSql))
        {
            await functions.ExecuteNonQueryAsync();
        }
        var function = variant.Collection == Collections.Repositories ? PostgresMergeFunctions.Repository : PostgresMergeFunctions.Stars;
        var set = variant.Set == Merge ? $"{function}(t.doc, EXCLUDED.doc)" : variant.Set;
        const string insert = "INSERT INTO bare_projection AS t (id, doc) SELECT u.id, u.doc FROM unnest($1::text[], $2::jsonb[]) AS u(id, doc) ORDER BY u.id";
        var sql = variant.Set switch
        {
            InsertOnConflict => $"WITH ev AS ({insert} ON CONFLICT (id) DO NOTHING RETURNING id) SELECT count(*) FROM ev",
            PlainInsert => insert,
            _ => $"{insert} ON CONFLICT (id) DO UPDATE SET doc = {set}",
        };
        var (connections, backends) = await OpenWritersAsync(dataSource, parallel);
        await WriteAsync(connections, sql, seed, parallel);
        await using (var vacuum = dataSource.CreateCommand("VACUUM ANALYZE bare_projection"))
        {
            await vacuum.ExecuteNonQueryAsync();
        }
        var cpu0 = backends.Sum(BackendCpuSeconds);
        var sw = Stopwatch.StartNew();
        await WriteAsync(connections, sql, batches, parallel);
        var rows = batches.Sum(b => b.Keys.Length);
        var rate = rows / sw.Elapsed.TotalSeconds;
        var cpu = (backends.Sum(BackendCpuSeconds) - cpu0) / rows * 1e6;
        foreach (var conn in connections) await conn.DisposeAsync();
        await using var drop = dataSource.CreateCommand("DROP TABLE bare_projection");
        await drop.ExecuteNonQueryAsync();
        return (rate, cpu);
    }

    /// <summary>The batches over <paramref name="parallel"/> connections, one statement (and one implicit commit) per batch.</summary>
    private static Task WriteAsync(List<Npgsql.NpgsqlConnection> connections, string sql, List<Batch> batches, int parallel) =>
        Task.WhenAll(Enumerable.Range(0, parallel).Select(w => Task.Run(async () =>
        {
            for (var i = w; i < batches.Count; i += parallel)
            {
                await using var cmd = new Npgsql.NpgsqlCommand(sql, connections[w]);
                cmd.Parameters.Add(new Npgsql.NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text, Value = batches[i].Keys });
                cmd.Parameters.Add(new Npgsql.NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Jsonb, Value = batches[i].Docs });
                await cmd.ExecuteNonQueryAsync();
            }
        })));
}
