using System.Diagnostics;
using System.Globalization;
using Pipeline.Domain;
using Pipeline.Embedded;
using Pipeline.Storage;
using Pipeline.Storage.Events;
using Pipeline.Testing.Kafka;
using static Pipeline.Bench.Ingest.IngestBenchSupport;

namespace Pipeline.Bench.Ingest;

/// <summary>
/// The floor of the events collection alone: a bare binary COPY of the same event rows into tables that differ only in
/// their secondary indexes, interleaved per run so every variant sees the same load. Usage:
/// <c>ingest-floor [--events N] [--runs R] [--batch B] [--parallel W]</c>. Variants: the primary key only; the jsonb
/// expression indexes the events collection had before issue 15 (<c>doc-&gt;'f'</c>); the same as text with binary
/// collation (<c>(doc-&gt;&gt;'f') COLLATE "C"</c>); and text without the <c>type</c> index; and the collection's current
/// definition (<see cref="StoreSchema.Default"/>, created by the store itself).
/// </summary>
public static class EventIndexFloorBenchmark
{
    private static readonly (string Name, string[] Indexes)[] Variants =
    [
        ("primary key only", []),
        ("jsonb: repo, type, created_at, received_at, delivery_id (partial)",
        [
            "(doc->'repo') NULLS FIRST", "(doc->'type') NULLS FIRST", "(doc->'created_at') NULLS FIRST", "(doc->'received_at') NULLS FIRST",
            "(doc->'delivery_id') NULLS FIRST) WHERE ((doc->'delivery_id') IS NOT NULL",
        ]),
        ("jsonb without type",
        [
            "(doc->'repo') NULLS FIRST", "(doc->'created_at') NULLS FIRST", "(doc->'received_at') NULLS FIRST",
            "(doc->'delivery_id') NULLS FIRST) WHERE ((doc->'delivery_id') IS NOT NULL",
        ]),
        ("text C: repo, type, created_at, received_at, delivery_id (partial)",
        [
            "((doc->>'repo') COLLATE \"C\") NULLS FIRST", "((doc->>'type') COLLATE \"C\") NULLS FIRST",
            "((doc->>'created_at') COLLATE \"C\") NULLS FIRST", "((doc->>'received_at') COLLATE \"C\") NULLS FIRST",
            "((doc->>'delivery_id') COLLATE \"C\") NULLS FIRST) WHERE ((doc->>'delivery_id') IS NOT NULL",
        ]),
        ("text C without type",
        [
            "((doc->>'repo') COLLATE \"C\") NULLS FIRST", "((doc->>'created_at') COLLATE \"C\") NULLS FIRST",
            "((doc->>'received_at') COLLATE \"C\") NULLS FIRST",
            "((doc->>'delivery_id') COLLATE \"C\") NULLS FIRST) WHERE ((doc->>'delivery_id') IS NOT NULL",
        ]),
        ("StoreSchema.Default (the store's own definition)", ["*"]),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var events = IntArg(args, "--events", 100_000);
        var runs = IntArg(args, "--runs", 3);
        var batch = IntArg(args, "--batch", new Pipeline.Ingestion.Kafka.KafkaOptions().ConsumerBatchSize);
        var parallel = IntArg(args, "--parallel", new Pipeline.Ingestion.Kafka.KafkaOptions().ConsumerMaxParallelWrites);
        Console.WriteLine($"load average before: {BenchMachine.LoadAverage()}");
        Console.WriteLine($"events floor: {events:N0} events, batches of {batch}, {parallel} writer(s), {runs} run(s), {Environment.ProcessorCount} cores");
        await using var postgres = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { Unsafe = false });
        var rows = TestEvents.Generate(events)
            .Select(e => (e.Id, Json: DocumentJson.Serialize(e.Id, EventDocument.From(e), replaceNul: true))).ToList();
        var rates = Variants.Select(_ => new List<double>()).ToArray();
        var serverCpu = Variants.Select(_ => new List<double>()).ToArray();
        // Untimed warm-up: one small pass through every variant (JIT, server caches).
        foreach (var variant in Variants) await CopyAsync(postgres, variant.Indexes, rows.GetRange(0, Math.Min(10_000, rows.Count)), batch, parallel);
        for (var run = 1; run <= runs; run++)
        {
            Console.WriteLine($"run {run}: load average {BenchMachine.LoadAverage()}");
            // Rotate the order each run so no variant always goes first after the previous one's checkpoint.
            for (var k = 0; k < Variants.Length; k++)
            {
                var v = (k + run - 1) % Variants.Length;
                var (rate, cpu) = await CopyAsync(postgres, Variants[v].Indexes, rows, batch, parallel);
                rates[v].Add(rate);
                serverCpu[v].Add(cpu);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {Variants[v].Name,-70} {rate,10:N0} rows/s  {cpu,5:F1} µs server CPU/row"));
            }
        }
        var bare = Median(rates[0]);
        var bareCpu = Median(serverCpu[0]);
        for (var v = 0; v < Variants.Length; v++)
        {
            var median = Median(rates[v]);
            var cpu = Median(serverCpu[v]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"median {Variants[v].Name,-70} {median,10:N0} rows/s  {median / bare:F2} of primary key only; server CPU {cpu:F1} µs/row ({bareCpu / cpu:F2} of primary key only's rate at equal CPU)  (runs: {string.Join(" / ", rates[v].Select(r => r.ToString("N0", CultureInfo.InvariantCulture)))})"));
        }
        Console.WriteLine($"load average after: {BenchMachine.LoadAverage()}");
        return 0;
    }

    /// <summary>Rows/s, and the PostgreSQL backends' CPU per row (utime + stime of the writers' server processes): the wall
    /// clock on a shared machine mostly measures the other processes; the server's own CPU per row does not.</summary>
    private static async Task<(double Rate, double ServerCpuMicrosPerRow)> CopyAsync(EmbeddedPostgres postgres, string[] indexes, List<(string Id, string Json)> rows, int batch, int parallel)
    {
        var connectionString = await postgres.CreateDatabaseAsync($"floor_{Guid.NewGuid().ToString("N")[..10]}");
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(connectionString);
        if (indexes is ["*"])
        {
            await using var store = new Pipeline.Storage.Postgres.PostgresStore(connectionString);
            var definition = StoreSchema.Default.Single(c => c.Name == Collections.Events);
            await store.EnsureCollectionsAsync([definition with { Name = "bare_events" }]);
        }
        else
        {
            await using var create = dataSource.CreateCommand("CREATE TABLE bare_events (id text PRIMARY KEY, doc jsonb NOT NULL)");
            await create.ExecuteNonQueryAsync();
            for (var i = 0; i < indexes.Length; i++)
            {
                await using var index = dataSource.CreateCommand($"CREATE INDEX bare_events_{i} ON bare_events ({indexes[i]})");
                await index.ExecuteNonQueryAsync();
            }
        }
        var (connections, backends) = await OpenWritersAsync(dataSource, parallel);
        var cpu0 = backends.Sum(BackendCpuSeconds);
        var sw = Stopwatch.StartNew();
        var writers = Enumerable.Range(0, parallel).Select(w => Task.Run(() => CopyBareEventsAsync(connections[w], rows, w, parallel, batch))).ToList();
        await Task.WhenAll(writers);
        var rate = rows.Count / sw.Elapsed.TotalSeconds;
        var cpu = (backends.Sum(BackendCpuSeconds) - cpu0) / rows.Count * 1e6;
        foreach (var conn in connections) await conn.DisposeAsync();
        // Drop it right away: the tables of earlier variants would otherwise grow the cluster's working set.
        await using var drop = dataSource.CreateCommand("DROP TABLE bare_events");
        await drop.ExecuteNonQueryAsync();
        return (rate, cpu);
    }
}
