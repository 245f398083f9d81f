using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pipeline.Api.Webhooks;
using Pipeline.Domain;
using Pipeline.Embedded;
using Pipeline.Ingestion;
using Pipeline.Ingestion.Kafka;
using Pipeline.Ingestion.Webhooks;
using Pipeline.Testing.GitHub;

namespace Pipeline.Bench.Webhooks;

/// <summary>
/// Webhook acknowledgement latency under load on loopback. One Kestrel (127.0.0.1) serves, in the same process and run:
/// <list type="bullet">
/// <item><c>/baseline</c>: reads the body and answers 202 — the floor of Kestrel + HttpClient on this machine;</item>
/// <item><c>/memory</c>: the real webhook handler (bounded read, HMAC check, JSON parse, normalise, dedupe) with an in-memory publisher;</item>
/// <item><c>/azurite-put</c>: reads the body and writes it as one blob to Azurite (a bare <c>BlobClient.UploadAsync</c>), then
/// 202 — the floor of a durable write on this machine;</item>
/// <item><c>/durable</c>: the production composition (<c>AddPipelineWebhooks</c>, <c>GitHub:DurableAcceptance=true</c>): the
/// real handler hands the raw delivery to the inbox's group commit (concurrent deliveries become one framed blob on
/// Azurite, each answered 202 only after that put is confirmed), and the relay publishes it to Kafka
/// (the production publisher on librdkafka's mock cluster) and deletes the blob; after each of its slices the bench waits
/// for the relay to finish, so that work does not land in the other targets' slices;</item>
/// <item><c>/kafka-linger-N</c>: the real handler publishing inline through the production <see cref="KafkaEventPublisher"/>
/// (idempotent producer, waits for the broker's ack), once per <c>--lingers</c> value (none by default).</item>
/// </list>
/// An open-loop .NET load driver sends signed <c>issues</c> payloads (a real @octokit/webhooks-examples body) at a fixed
/// rate; latency is measured from each request's scheduled send time (no coordinated omission) to its response. Targets
/// take turns in one-second slices (after a warm-up of each) so that noise from other processes affects them alike.
/// Usage: <c>webhooks [--rate 2000] [--seconds 10] [--warmup 3] [--lingers 5,1] [--no-durable] [--relay-to-memory] [--markdown path]</c>.
/// </summary>
public static class WebhookLatencyBenchmark
{
    private const string Secret = "bench-secret";

    public static async Task<int> RunAsync(string[] args)
    {
        var rate = Arg(args, "--rate", 2000);
        var seconds = Arg(args, "--seconds", 10);
        var warmup = Arg(args, "--warmup", 3);
        var lingers = (ArgString(args, "--lingers") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var markdownPath = ArgString(args, "--markdown");

        var example = WebhookExamples.Of("issues").First(e => e.Action == "opened");
        Console.WriteLine($"webhook latency: {rate} req/s for {seconds} s per target (warm-up {warmup} s), body {example.Body.Length} bytes, {Environment.ProcessorCount} cores");

        var durable = !args.Contains("--no-durable");
        Console.WriteLine($"load average {BenchMachine.LoadAverage()}");

        using var broker = EmbeddedKafka.Start(brokerCount: 1);
        broker.CreateTopic("bench.events", 32);
        await using var azurite = durable ? await EmbeddedAzurite.StartAsync(Path.Combine(Path.GetTempPath(), "pipeline-bench-webhooks-" + Guid.NewGuid().ToString("N")[..8])) : null;
        // The bare-put floor gets an Azurite of its own. Azurite keeps every blob's metadata in one LokiJS collection and
        // rebuilds that collection's sorted indexes on each delete, so the floor's tens of thousands of never-deleted blobs
        // made every inbox delete of the relay sort them all: 37 % of a shared Azurite's CPU (perf, docs/benchmarks.md).
        await using var bareAzurite = durable ? await EmbeddedAzurite.StartAsync(Path.Combine(Path.GetTempPath(), "pipeline-bench-webhooks-bare-" + Guid.NewGuid().ToString("N")[..8])) : null;
        var producers = new List<KafkaProducerHost>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        BlobContainerClient? bareContainer = null;
        if (azurite is not null)
        {
            // The production composition of durable acceptance: blob inbox on Azurite, relay to the real Kafka publisher.
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["GitHub:WebhookSecret"] = Secret,
                ["GitHub:DurableAcceptance"] = "true",
                ["GitHub:StorageConnectionString"] = azurite.ConnectionString,
                ["GitHub:InboxContainer"] = "bench-inbox",
            });
            var relayKafka = Options.Create(new KafkaOptions { BootstrapServers = broker.BootstrapServers, Topic = "bench.events", ClientId = "bench-relay" });
            var relayProducer = new KafkaProducerHost(new ClientConfigFactory(relayKafka), NullLogger<KafkaProducerHost>.Instance);
            producers.Add(relayProducer);
            // --relay-to-memory: the relay hands events to a counter instead of Kafka, to separate the broker's share of the
            // machine from the inbox's (a diagnostic, not the production composition).
            builder.Services.AddSingleton<IEventPublisher>(args.Contains("--relay-to-memory") ? new CountingPublisher() : new KafkaEventPublisher(relayProducer, relayKafka));
            builder.Services.AddPipelineWebhooks(builder.Configuration);
            bareContainer = new BlobContainerClient(bareAzurite!.ConnectionString, "bench-bare-put");
            await bareContainer.CreateIfNotExistsAsync();
        }
        var app = builder.Build();
        if (bareContainer is not null)
        {
            var container = bareContainer;
            app.MapPost("/azurite-put", async (HttpRequest req) =>
            {
                var body = await BoundedBodyReader.ReadAsync(req.Body, WebhookOptions.DefaultMaxBodyBytes, req.ContentLength, req.HttpContext.RequestAborted);
                await container.GetBlobClient(Guid.NewGuid().ToString("N")).UploadAsync(BinaryData.FromBytes(body!.Value), req.HttpContext.RequestAborted);
                return Results.StatusCode(202);
            });
            app.MapPost("/durable", (HttpRequest req, WebhookIngestService service, CancellationToken ct) => WebhookEndpoints.HandleAsync(req, service, ct));
        }
        app.MapPost("/baseline", async (HttpRequest req) =>
        {
            await BoundedBodyReader.ReadAsync(req.Body, WebhookOptions.DefaultMaxBodyBytes, req.ContentLength, req.HttpContext.RequestAborted);
            return Results.StatusCode(202);
        });
        var memory = new CountingPublisher();
        var memoryService = Service(memory);
        app.MapPost("/memory", (HttpRequest req, CancellationToken ct) => WebhookEndpoints.HandleAsync(req, memoryService, ct));
        foreach (var linger in lingers)
        {
            var options = Options.Create(new KafkaOptions { BootstrapServers = broker.BootstrapServers, Topic = "bench.events", ClientId = "bench", ProducerLingerMs = linger });
            var host = new KafkaProducerHost(new ClientConfigFactory(options), NullLogger<KafkaProducerHost>.Instance);
            producers.Add(host);
            var kafkaService = Service(new KafkaEventPublisher(host, options));
            app.MapPost($"/kafka-linger-{linger}", (HttpRequest req, CancellationToken ct) => WebhookEndpoints.HandleAsync(req, kafkaService, ct));
        }
        await app.StartAsync();
        var baseUri = new Uri(app.Urls.First());
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseProxy = false })
        {
            BaseAddress = baseUri,
            Timeout = TimeSpan.FromSeconds(30),
        };

        var targets = new List<(string Name, string Path)> { ("bare Kestrel 202 (baseline)", "/baseline"), ("webhook handler, in-memory publisher", "/memory") };
        if (azurite is not null)
        {
            targets.Add(("bare Azurite put (one blob per request) + 202", "/azurite-put"));
            targets.Add(("webhook handler, durable acceptance (blob inbox on Azurite, relay to Kafka)", "/durable"));
        }
        targets.AddRange(lingers.Select(l => ($"webhook handler, Kafka publisher (linger.ms={l}, acks=all, idempotent)", $"/kafka-linger-{l}")));
        var relay = azurite is null ? null : app.Services.GetRequiredService<WebhookRelay>();
        // Group commit's own view: deliveries per inbox blob and the put time of each blob (timed slices only).
        var batchSizes = new System.Collections.Concurrent.ConcurrentBag<int>();
        var putMs = new System.Collections.Concurrent.ConcurrentBag<double>();
        var recording = false;
        using var meters = new System.Diagnostics.Metrics.MeterListener();
        meters.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name is "webhooks.inbox_batch_size" or "webhooks.inbox_put_duration") l.EnableMeasurementEvents(instrument);
        };
        meters.SetMeasurementEventCallback<int>((_, value, _, _) =>
        {
            if (recording) batchSizes.Add(value);
        });
        meters.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            if (recording) putMs.Add(value);
        });
        meters.Start();
        var relayWait = TimeSpan.Zero;
        async Task AfterSliceAsync(string path)
        {
            if (path != "/durable" || relay is null) return;
            var sw = Stopwatch.StartNew();
            while (relay.Pending > 0 && sw.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(10);
            relayWait += sw.Elapsed;
        }
        // Targets take turns in one-second slices, so load spikes from other processes on the machine hit all of them alike.
        foreach (var (name, path) in targets)
        {
            var warm = await DriveAsync(http, path, example.Body, rate, warmup);
            await AfterSliceAsync(path);
            Console.WriteLine($"warm-up {name}: {warm.Latencies.Length} ok, {warm.Errors} errors ({string.Join(", ", ErrorKinds.Select(kv => $"{kv.Key} x{kv.Value}"))}), load average {BenchMachine.LoadAverage()}");
            ErrorKinds.Clear();
        }
        var samples = targets.Select(_ => new Samples()).ToList();
        recording = true;
        var loadBefore = BenchMachine.LoadAverage();
        for (var second = 0; second < seconds; second++)
        {
            for (var t = 0; t < targets.Count; t++)
            {
                samples[t].Add(await DriveAsync(http, targets[t].Path, example.Body, rate, 1));
                await AfterSliceAsync(targets[t].Path);
            }
        }
        var loadAfter = BenchMachine.LoadAverage();
        var results = targets.Select((t, i) => (t.Name, Stats: samples[i].Stats())).ToList();
        foreach (var (name, stats) in results) Console.WriteLine($"{name,-75} {stats}");

        var baseline = results[0].Stats;
        var lines = new List<string>
        {
            $"| Target | Requests | Errors | Achieved req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | p50 ÷ baseline | p99 ÷ baseline |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        };
        foreach (var (name, s) in results)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {s.Count} | {s.Errors} | {s.Achieved:F0} | {s.P50:F2} | {s.P90:F2} | {s.P99:F2} | {s.P999:F2} | {s.Max:F2} | {s.P50 / baseline.P50:F2} | {s.P99 / baseline.P99:F2} |"));
        }
        var table = string.Join('\n', lines);
        Console.WriteLine();
        Console.WriteLine(table);
        Console.WriteLine($"published by the in-memory target: {memory.Count}");
        var durableIndex = targets.FindIndex(t => t.Path == "/durable");
        var putIndex = targets.FindIndex(t => t.Path == "/azurite-put");
        if (durableIndex >= 0)
        {
            var d = results[durableIndex].Stats;
            var put = results[putIndex].Stats;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"durable acceptance: p99 {d.P99:F2} ms = {d.P99 / baseline.P99:F2}x bare Kestrel (target <= 3x: {(d.P99 <= 3 * baseline.P99 ? "met" : "NOT met")}), " +
                $"{d.P99 / put.P99:F2}x the bare Azurite put; relay drained in {relayWait.TotalSeconds:F1} s in all; inbox left: {relay!.Pending}"));
            var sizes = batchSizes.Order().ToArray();
            var puts = putMs.Order().ToArray();
            if (sizes.Length > 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"group commit: {sizes.Length} inbox blobs for {sizes.Sum()} deliveries (mean {sizes.Average():F1}, p50 {sizes[sizes.Length / 2]}, max {sizes[^1]} per blob); " +
                    $"put p50 {puts[puts.Length / 2]:F1} ms, p99 {puts[Math.Min(puts.Length - 1, (int)(puts.Length * 0.99))]:F1} ms, max {puts[^1]:F1} ms"));
            }
        }
        Console.WriteLine($"load average before {loadBefore}, after {loadAfter}");
        if (markdownPath is not null) await File.WriteAllTextAsync(markdownPath, table + "\n");

        await app.StopAsync();
        await app.DisposeAsync();
        foreach (var p in producers) p.Dispose();
        var failed = results.Any(r => r.Stats.Errors > 0);
        return failed ? 1 : 0;
    }

    private static WebhookIngestService Service(IEventPublisher publisher) =>
        new(publisher, Options.Create(new WebhookOptions { WebhookSecret = Secret }), NullLogger<WebhookIngestService>.Instance);

    /// <summary>Open-loop driver: request i is due at i / rate; its latency runs from that due time to the response.</summary>
    private static async Task<Slice> DriveAsync(HttpClient http, string path, byte[] body, int rate, int seconds)
    {
        var total = rate * seconds;
        var latencies = new double[total];
        var ok = new bool[total];
        var tasks = new Task[total];
        var signature = WebhookSignatureVerifier.Sign(body, Secret);
        var tickToMs = 1000.0 / Stopwatch.Frequency;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < total; i++)
        {
            var due = start + (long)(i * (double)Stopwatch.Frequency / rate);
            var wait = due - Stopwatch.GetTimestamp();
            if (wait > Stopwatch.Frequency / 1000) await Task.Delay(TimeSpan.FromTicks(wait * TimeSpan.TicksPerSecond / Stopwatch.Frequency));
            while (Stopwatch.GetTimestamp() < due) Thread.SpinWait(20);
            var index = i;
            tasks[i] = Task.Run(async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.Add("X-GitHub-Event", "issues");
                request.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());
                request.Headers.Add("X-Hub-Signature-256", signature);
                try
                {
                    using var response = await http.SendAsync(request);
                    ok[index] = response.StatusCode == HttpStatusCode.Accepted;
                    if (!ok[index]) ErrorKinds.AddOrUpdate(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    ok[index] = false; // refused, reset or over the client's 30 s timeout: counted as an error
                    ErrorKinds.AddOrUpdate(ex.GetType().Name, 1, (_, n) => n + 1);
                }
                latencies[index] = (Stopwatch.GetTimestamp() - due) * tickToMs;
            });
        }
        await Task.WhenAll(tasks);
        var elapsed = (Stopwatch.GetTimestamp() - start) * tickToMs / 1000;
        return new Slice(latencies.Where((_, i) => ok[i]).ToArray(), ok.Count(o => !o), total, elapsed);
    }

    /// <summary>Non-202 answers and failures by status code or exception type (printed per warm-up).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> ErrorKinds = new();

    private sealed record Slice(double[] Latencies, int Errors, int Sent, double Seconds);

    private sealed class Samples
    {
        private readonly List<Slice> _slices = [];

        public void Add(Slice slice) => _slices.Add(slice);

        public Stats Stats()
        {
            var sorted = _slices.SelectMany(s => s.Latencies).Order().ToArray();
            double P(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
            var sent = _slices.Sum(s => s.Sent);
            return new Stats(sent, _slices.Sum(s => s.Errors), sent / _slices.Sum(s => s.Seconds), P(0.50), P(0.90), P(0.99), P(0.999), sorted.Length == 0 ? double.NaN : sorted[^1]);
        }
    }

    private sealed record Stats(int Count, int Errors, double Achieved, double P50, double P90, double P99, double P999, double Max)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"n={Count} errors={Errors} rate={Achieved:F0}/s p50={P50:F2}ms p90={P90:F2}ms p99={P99:F2}ms p99.9={P999:F2}ms max={Max:F2}ms");
    }

    private sealed class CountingPublisher : IEventPublisher
    {
        public long Count;

        public Task PublishAsync(IReadOnlyList<GitHubEvent> events, CancellationToken ct = default)
        {
            Interlocked.Add(ref Count, events.Count);
            return Task.CompletedTask;
        }
    }


    private static int Arg(string[] args, string name, int fallback) =>
        ArgString(args, name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    private static string? ArgString(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
