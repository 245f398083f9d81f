using System.Diagnostics;
using System.Globalization;
using Pipeline.Domain;
using Pipeline.Embedded;
using Pipeline.Ingestion.Kafka;
using Pipeline.Storage;
using Pipeline.Testing.Kafka;
using static Pipeline.Bench.Ingest.IngestBenchSupport;

namespace Pipeline.Bench.Ingest;

/// <summary>
/// Consumer throughput against the number of consumers and partitions: the scaling curve docs/capacity.md assumes.
/// For each (partitions, consumers) pair the same generated events are published first to a fresh topic, then that many
/// <see cref="Pipeline.Ingestion.Consumer.EventConsumerService"/> instances join one consumer group and drain it into
/// a counting sink (no-op, or one that costs a fixed time per batch to stand in for a store round trip); the clock runs
/// from the first consumer's start to the last event. Ceiling in the same run: one consumer on the same topic size.
/// Usage: <c>scaling [--events N] [--partitions 4,16] [--consumers 1,2,4] [--runs R] [--write-ms W]</c>.
/// </summary>
internal static class ConsumerScalingBenchmark
{
    private const int MaxEventsPerPartition = 4_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var events = IntArg(args, "--events", 50_000);
        var partitionSet = ListArg(args, "--partitions", [4, 16]);
        var consumerSet = ListArg(args, "--consumers", [1, 2, 4]);
        var runs = IntArg(args, "--runs", 3);
        var writeMs = IntArg(args, "--write-ms", 0);
        Console.WriteLine($"load average before: {BenchMachine.LoadAverage()}");
        Console.WriteLine($"consumer scaling: {events:N0} events, partitions {string.Join(",", partitionSet)}, consumers {string.Join(",", consumerSet)}, " +
                          $"{runs} run(s), sink {(writeMs == 0 ? "no-op" : $"{writeMs} ms per batch")}, {Environment.ProcessorCount} cores");
        using var broker = EmbeddedKafka.Start();
        var generated = TestEvents.Generate(events);
        var results = new List<string>();
        var id = 0;
        foreach (var partitions in partitionSet)
        {
            foreach (var consumers in consumerSet)
            {
                // The mock broker keeps only about 5 MiB per partition: publish at most ~4,000 events (~4.4 MB) per partition
                // before draining, or the oldest are gone before a consumer reads them.
                var sample = generated.Count <= MaxEventsPerPartition * partitions ? generated : generated.GetRange(0, MaxEventsPerPartition * partitions);
                var rates = new List<double>();
                for (var run = 1; run <= runs; run++)
                {
                    var topic = $"scale-{partitions}-{consumers}-{run}-{id++}";
                    rates.Add(await DrainAsync(broker, topic, partitions, consumers, sample, writeMs));
                }
                var median = Median(rates);
                var line = string.Create(CultureInfo.InvariantCulture,
                    $"| {partitions} | {consumers} | {sample.Count:N0} | {median:N0} | {string.Join(" / ", rates.Select(r => r.ToString("N0", CultureInfo.InvariantCulture)))} |");
                Console.WriteLine(line);
                results.Add(line);
            }
        }
        Console.WriteLine();
        Console.WriteLine("| partitions | consumers | events | median events/s | runs |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var r in results) Console.WriteLine(r);
        Console.WriteLine($"load average after: {BenchMachine.LoadAverage()}");
        return 0;
    }

    private static async Task<double> DrainAsync(EmbeddedKafka broker, string topic, int partitions, int consumers, List<GitHubEvent> events, int writeMs)
    {
        broker.CreateTopic(topic, partitions);
        broker.CreateTopic(topic + ".dlq", 1);
        var options = new KafkaOptions
        {
            BootstrapServers = broker.BootstrapServers,
            Topic = topic,
            DeadLetterTopic = topic + ".dlq",
            ConsumerGroup = topic + "-group",
            ClientId = "scaling",
            ConsumerSessionTimeoutMs = 6_000,
        };
        var sink = new CountingSink(events.Count, writeMs);
        var pipelines = Enumerable.Range(0, consumers).Select(_ => new KafkaPipeline(options, sink)).ToList();
        try
        {
            for (var i = 0; i < events.Count; i += 10_000)
            {
                await pipelines[0].Publisher.PublishAsync(events.GetRange(i, Math.Min(10_000, events.Count - i)));
            }
            var sw = Stopwatch.StartNew();
            await Task.WhenAll(pipelines.Select(p => p.StartConsumerAsync()));
            var deadline = Stopwatch.StartNew();
            while (sink.Distinct < events.Count)
            {
                if (deadline.Elapsed > TimeSpan.FromMinutes(5)) throw new TimeoutException($"{topic}: {sink.Distinct} of {events.Count} consumed in 5 minutes");
                await Task.Delay(5);
            }
            sw.Stop();
            // Group joins are inside the timing (a scaled-out replica pays them too); with small topics they dominate.
            return events.Count / sw.Elapsed.TotalSeconds;
        }
        finally
        {
            foreach (var p in pipelines) await p.DisposeAsync();
        }
    }

    private sealed class CountingSink(int capacity, int writeMs) : IEventSink
    {
        private readonly HashSet<string> _ids = new(capacity, StringComparer.Ordinal);
        private int _distinct;

        public int Distinct => Volatile.Read(ref _distinct);

        public async Task<int> WriteAsync(IReadOnlyList<GitHubEvent> events, CancellationToken ct = default)
        {
            if (writeMs > 0) await Task.Delay(writeMs, ct);
            var added = 0;
            lock (_ids)
            {
                foreach (var e in events)
                {
                    if (_ids.Add(e.Id)) added++;
                }
                Volatile.Write(ref _distinct, _ids.Count);
            }
            return added;
        }
    }

    private static int[] ListArg(string[] args, string name, int[] fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length
            ? args[i + 1].Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray()
            : fallback;
    }
}
