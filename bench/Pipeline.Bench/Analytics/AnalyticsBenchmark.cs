using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Analytics;
using Pipeline.Analytics.Engines;
using Pipeline.Analytics.Jobs;
using Pipeline.Analytics.Planning;
using Pipeline.Analytics.Seed;
using Pipeline.Analytics.Snapshot;
using Pipeline.Analytics.Trends;
using Pipeline.Embedded;
using Pipeline.Storage;
using Pipeline.Storage.Postgres;

namespace Pipeline.Bench.Analytics;

/// <summary>
/// Trends aggregation benchmark: N generated events (default 10 million, three calendar years) written as the daily
/// Parquet snapshot, then every job through our runner (planning, partition cache, DuckDB, the documents of the
/// recomputed periods as the store receives them) against DuckDB running the bare SQL over the same Parquet in the same process, alternating, best of
/// the rounds. Then the serving latency (p50/p99 of /api/trends queries' service calls) from the results upserted
/// into a real PostgreSQL. Usage: analytics [--events N] [--rounds R] [--dir path] [--keep] [--no-serving]
/// </summary>
public static class AnalyticsBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var events = Arg(args, "--events", 10_000_000L);
        var rounds = (int)Arg(args, "--rounds", 2L);
        var keep = args.Contains("--keep");
        var dir = ArgString(args, "--dir") ?? Path.Combine(Path.GetTempPath(), "pipeline-bench-analytics");
        var catalog = new EmbeddedTrendsJobCatalog();
        Console.WriteLine($"Analytics benchmark: {events:N0} events, {catalog.Jobs.Count} jobs, {Environment.ProcessorCount} cores, DuckDB in-process");

        try
        {
            var storage = new LocalDirectorySnapshotStorage(dir);
            var partitions = await storage.ListEventPartitionsAsync();
            long written;
            if (partitions.Count == 0 || !File.Exists(Path.Combine(dir, "events.count")) || long.Parse(File.ReadAllText(Path.Combine(dir, "events.count")), CultureInfo.InvariantCulture) != events)
            {
                if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
                var sw = Stopwatch.StartNew();
                written = await GenerateAsync(storage, events);
                File.WriteAllText(Path.Combine(dir, "events.count"), events.ToString(CultureInfo.InvariantCulture));
                Console.WriteLine($"generated and wrote {written:N0} events as {(await storage.ListEventPartitionsAsync()).Count} daily Parquet partitions in {sw.Elapsed.TotalSeconds:F1} s ({Size(dir)})");
            }
            else
            {
                Console.WriteLine($"reusing the Parquet snapshot in {dir} ({Size(dir)})");
            }
            partitions = await storage.ListEventPartitionsAsync();
            var days = partitions.Keys.Order().ToList();
            var files = days.Select(d => Path.Combine(dir, SnapshotLayout.EventPartition(d))).ToList();

            // Warm the OS file cache once so neither side pays for the first read.
            Bare(catalog, files);
            var ours = new List<(double Total, Dictionary<string, double> PerJob, int Rows)>();
            var bare = new List<(double Total, Dictionary<string, double> PerJob, int Rows)>();
            for (var r = 0; r < rounds; r++)
            {
                ours.Add(await Runner(catalog, storage, dir, days));
                bare.Add(Bare(catalog, files));
            }
            var bestOurs = ours.MinBy(o => o.Total);
            var bestBare = bare.MinBy(b => b.Total);
            Console.WriteLine();
            Console.WriteLine($"{"job",-30} {"runner s",9} {"bare s",9} {"ratio",7}");
            foreach (var job in catalog.Jobs)
            {
                var o = bestOurs.PerJob[job.Name];
                var b = bestBare.PerJob[job.Name];
                Console.WriteLine($"{job.Name,-30} {o,9:F2} {b,9:F2} {o / b,7:F2}");
            }
            Console.WriteLine($"{"all jobs",-30} {bestOurs.Total,9:F2} {bestBare.Total,9:F2} {bestOurs.Total / bestBare.Total,7:F2}");
            Console.WriteLine($"result rows: {bestOurs.Rows:N0} (bare: {bestBare.Rows:N0})");
            Console.WriteLine($"targets: suite < 30 s ({(bestOurs.Total < 30 ? "met" : "MISSED")}), overhead < 1.3x ({(bestOurs.Total / bestBare.Total < 1.3 ? "met" : "MISSED")})");

            if (!args.Contains("--no-serving"))
            {
                await ServingAsync(catalog, files);
            }
            return 0;
        }
        finally
        {
            if (!keep && Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Streams generated rows into one Parquet file per day (rows arrive in day order; memory stays bounded).</summary>
    private static async Task<long> GenerateAsync(ISnapshotStorage storage, long target)
    {
        // New repositories per day are held constant (about 5 a day, ~5,000 over three years) so the event count grows
        // linearly with the scale; probe scale 1 and scale the daily rates to reach the target.
        const double newRepositoriesPerDayAtScale1 = 5.0;
        var probe = SeedDataGenerator.GenerateRaw(new SeedOptions { Scale = 1.0, NewRepositoriesPerDay = newRepositoriesPerDayAtScale1 }).LongCount();
        var scale = target / (double)probe;
        long count = 0;
        var buffer = new List<EventRow>(20000);
        DateOnly? day = null;
        async Task FlushAsync()
        {
            if (buffer.Count == 0) return;
            using var stream = new MemoryStream();
            await using (var writer = await EventParquetWriter.CreateAsync(stream))
            {
                await writer.WriteBatchAsync(buffer);
            }
            stream.Position = 0;
            await storage.UploadAsync(SnapshotLayout.EventPartition(day!.Value), stream);
            buffer.Clear();
        }
        foreach (var row in SeedDataGenerator.GenerateRows(new SeedOptions { Scale = scale, NewRepositoriesPerDay = newRepositoriesPerDayAtScale1 / scale }))
        {
            if (day != row.Day)
            {
                await FlushAsync();
                day = row.Day;
            }
            buffer.Add(row);
            count++;
        }
        await FlushAsync();
        return count;
    }

    /// <summary>Our path for a full recompute: plan, partition cache (the snapshot folder is the cache: no copies),
    /// DuckDB over the listed partitions rendering the trend documents (id, JSON) read in the store's batches.</summary>
    private static async Task<(double, Dictionary<string, double>, int)> Runner(ITrendsJobCatalog catalog, ISnapshotStorage storage, string dir, IReadOnlyList<DateOnly> days)
    {
        var cache = new LocalSnapshotCache(storage, dir);
        var runner = new DuckDbJobRunner();
        var perJob = new Dictionary<string, double>();
        var rows = 0;
        var total = Stopwatch.StartNew();
        foreach (var job in catalog.Jobs)
        {
            var sw = Stopwatch.StartNew();
            var plan = JobPlan.For(job, days);
            var files = await cache.EnsureLocalAsync(plan.InputDays);
            // The documents exactly as the executor hands them to the store (DuckDB renders the JSON; batches of 1,000).
            foreach (var batch in runner.RunDocuments(plan, files, "bench", "2026-01-01T00:00:00.000Z")) rows += batch.Count;
            perJob[job.Name] = sw.Elapsed.TotalSeconds;
        }
        return (total.Elapsed.TotalSeconds, perJob, rows);
    }

    /// <summary>The baseline: DuckDB running each job's SQL over a glob of the same Parquet files, reading every value.</summary>
    private static (double, Dictionary<string, double>, int) Bare(ITrendsJobCatalog catalog, IReadOnlyList<string> files)
    {
        var root = Path.GetDirectoryName(Path.GetDirectoryName(files[0]))!;
        var perJob = new Dictionary<string, double>();
        var rows = 0;
        var total = Stopwatch.StartNew();
        foreach (var job in catalog.Jobs)
        {
            var sw = Stopwatch.StartNew();
            using var connection = new DuckDBConnection("Data Source=:memory:");
            connection.Open();
            using (var view = connection.CreateCommand())
            {
                view.CommandText = $"CREATE TEMP VIEW events AS SELECT * FROM read_parquet('{root}/date=*/part-0.parquet')";
                view.ExecuteNonQuery();
                // The jobs join the repositories table; the bench has none, like the runner's side (an empty view).
                view.CommandText = "CREATE TEMP VIEW repositories AS SELECT CAST(NULL AS VARCHAR) AS repo_key, CAST(NULL AS VARCHAR) AS repo, CAST(NULL AS VARCHAR) AS language WHERE 1 = 0";
                view.ExecuteNonQuery();
                // The shared views are part of every job's SQL (the engines define them before a job runs).
                view.CommandText = "CREATE TEMP VIEW " + JobViews.RepoLanguageName + " AS " + JobViews.RepoLanguageSql;
                view.ExecuteNonQuery();
            }
            using var command = connection.CreateCommand();
            command.CommandText = job.Sql;
            using var reader = command.ExecuteReader();
            var values = new object[reader.FieldCount];
            while (reader.Read())
            {
                reader.GetValues(values);
                rows++;
            }
            perJob[job.Name] = sw.Elapsed.TotalSeconds;
        }
        return (total.Elapsed.TotalSeconds, perJob, rows);
    }

    /// <summary>Serving latency from a real PostgreSQL holding the trends of this run.</summary>
    private static async Task ServingAsync(ITrendsJobCatalog catalog, IReadOnlyList<string> files)
    {
        await using var postgres = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { Unsafe = true });
        using var store = new PostgresStore(postgres.ConnectionString);
        await store.EnsureCollectionsAsync(AnalyticsCollections.Definitions);
        var days = files.Select(f => SnapshotLayout.DayOf(Path.GetRelativePath(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(f)))!, f).Replace('\\', '/'))!.Value).ToList();
        var writer = new TrendsResultWriter(store);
        var upsert = Stopwatch.StartNew();
        var docsTotal = 0;
        foreach (var job in catalog.Jobs)
        {
            var plan = JobPlan.For(job, days);
            docsTotal += await writer.WriteAsync(job.Output, new DuckDbJobRunner().RunDocuments(plan, files, "bench", "2026-01-01T00:00:00.000Z"));
        }
        Console.WriteLine($"\nupserted {docsTotal:N0} trend documents into PostgreSQL in {upsert.Elapsed.TotalSeconds:F1} s");
        var service = new TrendsQueryService(store) { CacheDuration = TimeSpan.Zero };
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var queries = new List<TrendQuery>
        {
            new("activity", new DateOnly(today.Year, 1, 1), today, 2),
            new("stars", new DateOnly(today.Year, 1, 1), today, 2),
            new("activity", new DateOnly(today.Year, 1, 1), today, 2, Repo: "contoso/quantum-sdk"),
            new("languages", new DateOnly(today.Year, 1, 1), today, 2),
            new("time-to-close", new DateOnly(today.Year, 1, 1), today, 2),
            new("top-growing", today.AddMonths(-3), today, 1),
            new("contributors", new DateOnly(today.Year, 1, 1), today, 2),
        };
        foreach (var q in queries) await service.QueryAsync(q);
        var latencies = new List<double>();
        for (var i = 0; i < 70 * 5; i++)
        {
            var sw = Stopwatch.StartNew();
            await service.QueryAsync(queries[i % queries.Count]);
            latencies.Add(sw.Elapsed.TotalMilliseconds);
        }
        latencies.Sort();
        double P(double q) => latencies[(int)Math.Min(latencies.Count - 1, Math.Ceiling(q * latencies.Count) - 1)];
        Console.WriteLine($"trends queries over PostgreSQL (no response cache, {latencies.Count} calls, 7 kinds): p50 {P(0.5):F1} ms, p95 {P(0.95):F1} ms, p99 {P(0.99):F1} ms (target p99 < 50 ms: {(P(0.99) < 50 ? "met" : "MISSED")})");
        foreach (var q in queries)
        {
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < 20; i++) await service.QueryAsync(q);
            Console.WriteLine($"  {q.Metric,-14}{(q.Repo is null ? "" : " repo"),-6} mean {sw.Elapsed.TotalMilliseconds / 20:F1} ms");
        }
    }

    private static string Size(string dir) =>
        $"{Directory.EnumerateFiles(dir, "*.parquet", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) / 1048576.0:F0} MiB";

    private static long Arg(string[] args, string name, long fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? long.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string? ArgString(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
