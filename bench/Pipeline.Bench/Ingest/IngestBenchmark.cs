using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Domain;
using Pipeline.Embedded;
using Pipeline.Ingestion.Kafka;
using Pipeline.Storage;
using Pipeline.Storage.Events;
using Pipeline.Storage.Postgres;
using Pipeline.Testing.Kafka;
using static Pipeline.Bench.Ingest.IngestBenchSupport;

namespace Pipeline.Bench.Ingest;

/// <summary>
/// Backfill-shaped ingest throughput, end to end: generated GH-Archive-like events → <see cref="KafkaEventPublisher"/>
/// → embedded broker → <see cref="Pipeline.Ingestion.Consumer.EventConsumerService"/> → sink, in events/s; and, in the
/// same run on the same broker, a bare Confluent producer pushing the same pre-serialised messages as the ceiling.
/// Usage: <c>ingest [--events N] [--partitions P] [--chunk C] [--runs R] [--sink noop|slow|postgres] [--fsync on|off] [--batch B] [--parallel W] [--warmup N] [--pg-waits] [--compare-serial]</c>.
/// <c>--pg-waits</c> (PostgreSQL sink) samples the writer backends' state and wait event every 10 ms during the end-to-end and
/// store-only phases and prints the histogram and the backends' CPU (<see cref="PgWaitSampler"/>); every phase through a
/// sink also prints how much of its wall time no store call was in flight (the client between store calls).
/// <c>--compare-serial</c> adds to every run an end-to-end phase with the consumer's serial loop
/// (<c>KafkaOptions.ConsumerOverlapWrites = false</c>), order alternated per run, for a before/after in the same run.
/// With <c>--sink postgres</c> the real <see cref="EventSink"/> over <see cref="PostgresStore"/> on a local PostgreSQL
/// (Debian binaries) lands the events and their projections; each run gets a fresh database. Before the timed runs an
/// untimed warm-up pass (<c>--warmup</c> events, default 20,000, through every phase) lets the JIT reach its optimised
/// tier: a fresh process otherwise spends the first end-to-end run partly in the tiering compiler and in unoptimised code,
/// which a long-running consumer does not.
/// </summary>
public static class IngestBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var events = IntArg(args, "--events", 200_000);
        var partitions = IntArg(args, "--partitions", 64);
        var chunk = IntArg(args, "--chunk", 10_000);
        var runs = IntArg(args, "--runs", 3);
        var sinkKind = StringArg(args, "--sink", "noop");
        var fsync = StringArg(args, "--fsync", "on") != "off";
        var batch = IntArg(args, "--batch", new KafkaOptions().ConsumerBatchSize);
        var parallel = IntArg(args, "--parallel", new KafkaOptions().ConsumerMaxParallelWrites);
        var warmup = Math.Min(IntArg(args, "--warmup", 20_000), events);
        var pgWaits = args.Contains("--pg-waits");
        var compareSerial = args.Contains("--compare-serial");

        Console.WriteLine($"load average before: {BenchMachine.LoadAverage()}");
        Console.WriteLine($"ingest benchmark: {events:N0} events, {partitions} partitions, publish chunks of {chunk:N0}, {runs} run(s), " +
                          $"consumer batch {batch}, {parallel} parallel write(s), sink={sinkKind}, {Environment.ProcessorCount} cores, librdkafka {Library.VersionString}");
        using var broker = EmbeddedKafka.Start();
        await using var postgres = sinkKind == "postgres"
            ? await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions { Unsafe = !fsync })
            : null;
        if (postgres is not null) Console.WriteLine($"PostgreSQL on port {postgres.Port}, fsync {(fsync ? "on" : "off")}");
        var generated = TestEvents.Generate(events);
        var warmupEvents = warmup > 0 ? TestEvents.Generate(warmup, firstId: 90_000_000_000) : null;
        var serialized = generated.Select(KafkaEventPublisher.ToMessage).ToList();
        var avgBytes = serialized.Average(m => m.Value!.Length + m.Key!.Length);
        Console.WriteLine($"average message: {avgBytes:F0} bytes (key + JSON value), plus 3 headers");

        var raw = new List<double>();
        var e2e = new List<double>();
        var e2eSerial = new List<double>();
        var storeOnly = new List<double>();
        var bareCopy = new List<double>();
        var indexedCopy = new List<double>();
        if (warmupEvents is not null)
        {
            var sw = Stopwatch.StartNew();
            broker.CreateTopic("raw-warmup", partitions);
            RawProducer(broker.BootstrapServers, "raw-warmup", warmupEvents.Select(KafkaEventPublisher.ToMessage).ToList());
            var (sink, _, _, dispose) = await CreateSinkAsync(sinkKind, warmup, postgres, 0, quiet: true);
            try
            {
                await EndToEndAsync(Options(broker, "e2e-warmup", partitions, batch, parallel), sink, warmupEvents, chunk);
            }
            finally
            {
                await dispose();
            }
            if (postgres is not null)
            {
                await BareCopyAsync(postgres, 0, warmupEvents, batch, parallel, indexed: false);
                var (direct, _, _, disposeDirect) = await CreateSinkAsync(sinkKind, warmup, postgres, 999, quiet: true);
                try
                {
                    await StoreOnlyAsync(direct, warmupEvents, batch, parallel);
                }
                finally
                {
                    await disposeDirect();
                }
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"warm-up: {warmup:N0} events through every phase, untimed ({sw.Elapsed.TotalSeconds:F1} s)"));
        }
        for (var run = 1; run <= runs; run++)
        {
            Console.WriteLine($"run {run}: load average {BenchMachine.LoadAverage()}");
            var rawTopic = $"raw-{run}";
            broker.CreateTopic(rawTopic, partitions);
            var cpu0 = CpuSeconds();
            var rawRate = RawProducer(broker.BootstrapServers, rawTopic, serialized);
            var rawCpu = (CpuSeconds() - cpu0) / serialized.Count * 1e6;
            raw.Add(rawRate);

            async Task EndToEndRunAsync(bool overlap)
            {
                var options = Options(broker, $"e2e-{run}{(overlap ? "" : "-serial")}", partitions, batch, parallel, overlap);
                var (sink, sinkName, database, dispose) = await CreateSinkAsync(sinkKind, events, postgres, overlap ? run : 2000 + run);
                try
                {
                    var cpu1 = CpuSeconds();
                    var gc1 = GcCounters.Read();
                    PgWaitSampler? sampler = null;
                    Func<Task>? onClockStart = pgWaits && database is not null
                        ? async () => sampler = await PgWaitSampler.StartAsync(postgres!.ConnectionString, database)
                        : null;
                    double rate;
                    string? waits = null;
                    try
                    {
                        rate = await EndToEndAsync(options, sink, generated, chunk, onClockStart, async () => waits = sampler is null ? null : await sampler.StopAsync("end to end"));
                    }
                    finally
                    {
                        if (sampler is not null) await sampler.DisposeAsync();
                    }
                    var e2eCpu = (CpuSeconds() - cpu1) / generated.Count * 1e6;
                    (overlap ? e2e : e2eSerial).Add(rate);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"run {run}: raw producer {rawRate,10:N0} ev/s ({rawCpu:F1} µs CPU/ev) | end to end{(overlap ? "" : ", serial consumer loop")} ({sinkName}) {rate,10:N0} ev/s ({e2eCpu:F1} µs CPU/ev, {GcCounters.Read().Since(gc1, generated.Count)}) | ratio {rate / rawRate:F2}"));
                    Console.WriteLine("  end to end, store calls: " + sink.CallStats());
                    if (waits is not null) Console.Write(waits);
                }
                finally
                {
                    await dispose();
                }
            }
            // With --compare-serial each run also measures the serial consumer loop (no write in flight while the next
            // batch is collected), alternating which goes first.
            if (compareSerial && run % 2 == 0) await EndToEndRunAsync(overlap: false);
            await EndToEndRunAsync(overlap: true);
            if (compareSerial && run % 2 == 1) await EndToEndRunAsync(overlap: false);
            if (postgres is not null)
            {
                // The store's ceiling: bare binary COPY of the same event rows (id, jsonb), pre-serialised, same batches and
                // writers, into a table like events, with no dedup, no projections and no transaction around it.
                var copyRate = await BareCopyAsync(postgres, run, generated, batch, parallel, indexed: false);
                bareCopy.Add(copyRate);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"run {run}: bare COPY (same rows, batches of {batch}, {parallel} writer(s)) {copyRate,10:N0} rows/s | end to end / bare COPY {e2e[^1] / copyRate:F2}"));
                // The floor of the events alone: the same COPY into a table with the events collection's own indexes.
                var indexedRate = await BareCopyAsync(postgres, run, generated, batch, parallel, indexed: true);
                indexedCopy.Add(indexedRate);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"run {run}: bare COPY into a table with the events indexes {indexedRate,10:N0} rows/s ({indexedRate / copyRate:F2} of bare COPY) | end to end / it {e2e[^1] / indexedRate:F2}"));
                // The store alone, no Kafka: the same batches handed straight to EventSink, to separate the costs.
                var (direct, _, directDatabase, disposeDirect) = await CreateSinkAsync(sinkKind, events, postgres, 1000 + run);
                try
                {
                    var cpu2 = CpuSeconds();
                    var gc2 = GcCounters.Read();
                    var sampler = pgWaits ? await PgWaitSampler.StartAsync(postgres.ConnectionString, directDatabase!) : null;
                    double storeRate;
                    string? waits;
                    try
                    {
                        storeRate = await StoreOnlyAsync(direct, generated, batch, parallel);
                        waits = sampler is null ? null : await sampler.StopAsync("store only");
                    }
                    finally
                    {
                        if (sampler is not null) await sampler.DisposeAsync();
                    }
                    var storeCpu = (CpuSeconds() - cpu2) / generated.Count * 1e6;
                    storeOnly.Add(storeRate);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"run {run}: store only (EventSink on PostgreSQL, batches of {batch}, {parallel} writer(s)) {storeRate,10:N0} ev/s ({storeCpu:F1} µs CPU/ev in this process, {GcCounters.Read().Since(gc2, generated.Count)}) | store only / bare COPY {storeRate / copyRate:F2}"));
                    Console.WriteLine("  store only, store calls: " + direct.CallStats());
                    if (waits is not null) Console.Write(waits);
                }
                finally
                {
                    await disposeDirect();
                }
            }
        }
        var rawMedian = Median(raw);
        var e2eMedian = Median(e2e);
        var ratio = e2eMedian / rawMedian;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median: raw producer {rawMedian:N0} ev/s, end to end {e2eMedian:N0} ev/s, ratio {ratio:F2}"));
        if (bareCopy.Count > 0)
        {
            var copyMedian = Median(bareCopy);
            var copyRatio = e2eMedian / copyMedian;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"median bare COPY {copyMedian:N0} rows/s; end to end / bare COPY {copyRatio:F2} " +
                $"(targets: ≥ 25,000 ev/s and ≥ 0.6 of bare COPY) → {(e2eMedian >= 25_000 && copyRatio >= 0.6 ? "MET" : "NOT MET")}"));
            var indexedMedian = Median(indexedCopy);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"median bare COPY with the events indexes {indexedMedian:N0} rows/s ({indexedMedian / copyMedian:F2} of bare COPY); end to end / it {e2eMedian / indexedMedian:F2}; " +
                $"store only / bare COPY {Median(storeOnly) / copyMedian:F2}"));
        }
        else
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"target (no-op sink): end to end ≥ 0.6 of the raw producer → {(ratio >= 0.6 ? "MET" : "NOT MET")}"));
        }
        if (e2eSerial.Count > 0)
        {
            var serialMedian = Median(e2eSerial);
            var serialCopy = bareCopy.Count > 0 ? string.Create(CultureInfo.InvariantCulture, $"; serial / bare COPY {serialMedian / Median(bareCopy):F2}") : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"median end to end with the serial consumer loop: {serialMedian:N0} ev/s; overlapped / serial {e2eMedian / serialMedian:F2}{serialCopy}"));
        }
        if (storeOnly.Count > 0)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median store-only rate: {Median(storeOnly):N0} ev/s (the end-to-end ceiling with this sink)"));
        }
        Console.WriteLine($"load average after: {BenchMachine.LoadAverage()}");
        return 0;
    }

    /// <summary>Binary COPY of the events' stored rows (serialised before the clock starts) into a fresh table shaped like
    /// a collection, with the given batch size and number of concurrent writers.</summary>
    private static async Task<double> BareCopyAsync(EmbeddedPostgres postgres, int run, List<GitHubEvent> events, int batch, int parallel, bool indexed)
    {
        var connectionString = await postgres.CreateDatabaseAsync($"copy_{run}_{Guid.NewGuid().ToString("N")[..6]}");
        if (indexed)
        {
            // The events collection's own definition (StoreSchema.Default), created by the store itself: the same indexes.
            await using var store = new PostgresStore(connectionString);
            var definition = StoreSchema.Default.Single(c => c.Name == Collections.Events);
            await store.EnsureCollectionsAsync([definition with { Name = "bare_events" }]);
        }
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(connectionString);
        if (!indexed)
        {
            await using var create = dataSource.CreateCommand("CREATE TABLE bare_events (id text PRIMARY KEY, doc jsonb NOT NULL)");
            await create.ExecuteNonQueryAsync();
        }
        var rows = events.Select(e => (e.Id, Json: DocumentJson.Serialize(e.Id, EventDocument.From(e), replaceNul: true))).ToList();
        var sw = Stopwatch.StartNew();
        var writers = Enumerable.Range(0, parallel).Select(w => Task.Run(async () =>
        {
            await using var conn = await dataSource.OpenConnectionAsync();
            await CopyBareEventsAsync(conn, rows, w, parallel, batch);
        })).ToList();
        await Task.WhenAll(writers);
        return rows.Count / sw.Elapsed.TotalSeconds;
    }

    /// <summary>The ceiling: a bare idempotent Confluent producer, messages already serialised, no per-message callback.</summary>
    private static double RawProducer(string bootstrap, string topic, List<Message<byte[]?, byte[]?>> messages)
    {
        var config = new ClientConfigFactory(Microsoft.Extensions.Options.Options.Create(new KafkaOptions { BootstrapServers = bootstrap }))
            .CreateProducerConfig("raw-bench");
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(config).SetLogHandler((_, _) => { }).Build();
        // Warm-up: metadata and producer id, outside the timing.
        producer.ProduceAsync(topic, messages[0]).GetAwaiter().GetResult();
        var failed = 0;
        Action<DeliveryReport<byte[]?, byte[]?>> onDelivery = r => { if (r.Error.IsError) Interlocked.Increment(ref failed); };
        var sw = Stopwatch.StartNew();
        foreach (var m in messages)
        {
            while (true)
            {
                try
                {
                    producer.Produce(topic, m, onDelivery);
                    break;
                }
                catch (ProduceException<byte[]?, byte[]?> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Flush(TimeSpan.FromMilliseconds(5));
                }
            }
        }
        producer.Flush(TimeSpan.FromMinutes(5));
        sw.Stop();
        if (failed > 0) throw new InvalidOperationException($"{failed} raw deliveries failed");
        return messages.Count / sw.Elapsed.TotalSeconds;
    }

    /// <summary>Publisher and consumer run together, like a backfill: the clock stops when the sink holds every event.</summary>
    private static async Task<double> EndToEndAsync(KafkaOptions options, CountingSink sink, List<GitHubEvent> events, int chunk,
        Func<Task>? onClockStart = null, Func<Task>? onClockStop = null)
    {
        await using var pipeline = new KafkaPipeline(options, sink);
        await pipeline.Publisher.PublishAsync([events[0]]); // warm-up, outside the timing
        await pipeline.StartConsumerAsync();
        await WaitAsync(() => sink.Distinct >= 1, TimeSpan.FromSeconds(60));
        if (onClockStart is not null) await onClockStart();
        sink.ResetCallStats();
        var sw = Stopwatch.StartNew();
        for (var i = 1; i < events.Count; i += chunk)
        {
            await pipeline.Publisher.PublishAsync(events.GetRange(i, Math.Min(chunk, events.Count - i)));
        }
        await WaitAsync(() => sink.Distinct >= events.Count, TimeSpan.FromMinutes(10));
        sw.Stop();
        sink.StopCallStats();
        if (onClockStop is not null) await onClockStop();
        await pipeline.StopConsumerAsync();
        if (sink.Distinct != events.Count)
            throw new InvalidOperationException($"expected exactly {events.Count} events in the sink, found {sink.Distinct}");
        return (events.Count - 1) / sw.Elapsed.TotalSeconds;
    }

    /// <summary>The same batches handed straight to the sink by <paramref name="parallel"/> writers; events/s.</summary>
    private static async Task<double> StoreOnlyAsync(CountingSink sink, List<GitHubEvent> events, int batch, int parallel)
    {
        sink.ResetCallStats();
        var sw = Stopwatch.StartNew();
        var slices = Enumerable.Range(0, parallel).Select(w => Task.Run(async () =>
        {
            for (var i = w * batch; i < events.Count; i += batch * parallel)
            {
                await sink.WriteAsync(events.GetRange(i, Math.Min(batch, events.Count - i)));
            }
        })).ToList();
        await Task.WhenAll(slices);
        sink.StopCallStats();
        return events.Count / sw.Elapsed.TotalSeconds;
    }

    private static KafkaOptions Options(EmbeddedKafka broker, string name, int partitions, int batch, int parallel, bool overlap = true)
    {
        broker.CreateTopic(name, partitions);
        broker.CreateTopic(name + ".dlq", 2);
        return new KafkaOptions
        {
            ConsumerBatchSize = batch,
            ConsumerMaxParallelWrites = parallel,
            ConsumerOverlapWrites = overlap,
            BootstrapServers = broker.BootstrapServers,
            Topic = name,
            DeadLetterTopic = name + ".dlq",
            ConsumerGroup = name + "-group",
            ClientId = "bench",
            ConsumerSessionTimeoutMs = 6_000,
        };
    }

    private static async Task<(CountingSink Sink, string Name, string? Database, Func<Task> Dispose)> CreateSinkAsync(
        string kind, int capacity, EmbeddedPostgres? postgres, int run, bool quiet = false)
    {
        switch (kind)
        {
            case "noop":
                return (new CountingSink(null, capacity), "no-op sink", null, () => Task.CompletedTask);
            case "slow":
                // A sink that costs no CPU but takes 100 ms per write: shows what a lagging consumer costs the Kafka path.
                return (new CountingSink(new DelaySink(TimeSpan.FromMilliseconds(100)), capacity), "100 ms-per-write sink", null, () => Task.CompletedTask);
            case "postgres":
                var database = $"bench_{run}_{Guid.NewGuid().ToString("N")[..6]}";
                var store = new PostgresStore(await postgres!.CreateDatabaseAsync(database));
                await StoreSchema.EnsureAsync(store);
                return (new CountingSink(new EventSink(store), capacity), "EventSink on PostgreSQL", database, async () =>
                {
                    var rows = await store.CountAsync(Collections.Events);
                    if (!quiet) Console.WriteLine($"  rows in events: {rows:N0}");
                    await store.DisposeAsync();
                }
                );
            default:
                throw new ArgumentException($"--sink {kind}: expected noop, slow or postgres");
        }
    }

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (deadline.Elapsed > timeout) throw new TimeoutException("benchmark did not finish in " + timeout);
            await Task.Delay(10);
        }
    }

    /// <summary>Managed allocations and GC work of a phase, per event.</summary>
    private readonly record struct GcCounters(long Allocated, int Gen0, int Gen1, int Gen2, TimeSpan Paused)
    {
        public static GcCounters Read() => new(GC.GetTotalAllocatedBytes(precise: false), GC.CollectionCount(0), GC.CollectionCount(1),
            GC.CollectionCount(2), GC.GetTotalPauseDuration());

        public string Since(GcCounters start, int events) => string.Create(CultureInfo.InvariantCulture,
            $"{(Allocated - start.Allocated) / (double)events / 1024:F1} KiB allocated/ev, GCs {Gen0 - start.Gen0}/{Gen1 - start.Gen1}/{Gen2 - start.Gen2}, paused {(Paused - start.Paused).TotalMilliseconds:F0} ms");
    }

    /// <summary>Process CPU time (all threads, including librdkafka's and the mock broker's).</summary>
    private static double CpuSeconds() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    private sealed class DelaySink(TimeSpan delay) : IEventSink
    {
        public async Task<int> WriteAsync(IReadOnlyList<GitHubEvent> events, CancellationToken ct = default)
        {
            await Task.Delay(delay, ct);
            return events.Count;
        }
    }

    /// <summary>Counts distinct event ids (exactly-N check), optionally forwarding to a real sink first; times the calls,
    /// and how long no call was in flight (the caller between store calls).</summary>
    private sealed class CountingSink(IEventSink? inner, int capacity) : IEventSink
    {
        private readonly HashSet<string> _ids = new(capacity, StringComparer.Ordinal);
        private readonly Lock _timing = new();
        private readonly Stopwatch _clock = new();
        private int _distinct;
        private int _inFlight;
        private int _calls;
        private TimeSpan _idleSince;
        private TimeSpan _idle;
        private TimeSpan _inCalls;
        private TimeSpan _stoppedAt;

        public int Distinct => Volatile.Read(ref _distinct);

        public void ResetCallStats()
        {
            lock (_timing)
            {
                _clock.Restart();
                _calls = 0;
                _idle = _inCalls = TimeSpan.Zero;
                _idleSince = TimeSpan.Zero;
                _stoppedAt = TimeSpan.MinValue;
            }
        }

        public void StopCallStats()
        {
            lock (_timing)
            {
                _stoppedAt = _clock.Elapsed;
                if (_inFlight == 0) _idle += _stoppedAt - _idleSince;
            }
        }

        public string CallStats()
        {
            lock (_timing)
            {
                var wall = (_stoppedAt == TimeSpan.MinValue ? _clock.Elapsed : _stoppedAt).TotalSeconds;
                return string.Create(CultureInfo.InvariantCulture,
                    $"{_calls:N0} calls, {(_calls == 0 ? 0 : _inCalls.TotalMilliseconds / _calls):F1} ms each on average, " +
                    $"no call in flight for {_idle.TotalSeconds:F2} s of {wall:F2} s ({_idle.TotalSeconds / Math.Max(1e-9, wall) * 100:F0} %)");
            }
        }

        public async Task<int> WriteAsync(IReadOnlyList<GitHubEvent> events, CancellationToken ct = default)
        {
            TimeSpan started;
            lock (_timing)
            {
                started = _clock.Elapsed;
                if (_inFlight++ == 0 && _stoppedAt == TimeSpan.MinValue) _idle += started - _idleSince;
            }
            int fresh;
            try
            {
                fresh = inner is null ? -1 : await inner.WriteAsync(events, ct);
            }
            finally
            {
                lock (_timing)
                {
                    var now = _clock.Elapsed;
                    if (_stoppedAt == TimeSpan.MinValue)
                    {
                        _calls++;
                        _inCalls += now - started;
                    }
                    if (--_inFlight == 0) _idleSince = now;
                }
            }
            var added = 0;
            lock (_ids)
            {
                foreach (var e in events)
                {
                    if (_ids.Add(e.Id)) added++;
                }
                Volatile.Write(ref _distinct, _ids.Count);
            }
            return fresh < 0 ? added : fresh;
        }
    }
}
