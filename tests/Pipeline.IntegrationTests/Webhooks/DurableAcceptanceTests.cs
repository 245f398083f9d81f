using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Trace;
using Pipeline.Api.Webhooks;
using Pipeline.Domain;
using Pipeline.Ingestion;
using Pipeline.Ingestion.Consumer;
using Pipeline.Ingestion.Kafka;
using Pipeline.Ingestion.Webhooks;
using Pipeline.IntegrationTests.Analytics;
using Pipeline.IntegrationTests.Kafka;
using Pipeline.Storage;
using Pipeline.Storage.Events;
using Pipeline.Storage.Postgres;
using Pipeline.Testing.GitHub;
using Pipeline.Testing.Kafka;
using Pipeline.Testing.Storage;

namespace Pipeline.IntegrationTests.Webhooks;

/// <summary>
/// Durable acceptance end to end on real servers: Kestrel → inbox on Azurite → relay → embedded Kafka (real protocol,
/// production publisher settings) → consumer with claim-check resolution → <see cref="EventSink"/> on PostgreSQL.
/// </summary>
[Collection(KafkaFixture.Collection)]
public sealed class DurableAcceptanceTests(KafkaFixture kafka, PostgresFixture postgres, AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Secret = "durable-s3cret";

    [Fact]
    public async Task A_2_MB_signed_delivery_travels_as_a_claim_check_and_is_stored_exactly_once()
    {
        await using var rig = await Rig.StartAsync(kafka, postgres, azurite, "claim");
        var body = LargeIssueDelivery(2 * 1024 * 1024);
        var delivery = Guid.NewGuid().ToString();

        Assert.Equal(HttpStatusCode.Accepted, await rig.SendAsync(body, delivery));
        // The same delivery again through a second endpoint instance (no shared duplicate cache): still one row.
        await using (var second = await rig.StartAppAsync())
        {
            Assert.Equal(HttpStatusCode.Accepted, await Rig.SendAsync(second.Http, body, delivery));
            await Wait.UntilAsync(() => second.Relay.Pending == 0, "the second copy is relayed", 60);
        }

        await Wait.UntilAsync(() => rig.Rows() == 1 && rig.Pipeline.Status.Snapshot().Duplicates >= 1, "the event is stored and its copy recognised", 120);
        var stored = await rig.Store.GetAsync(Collections.Events, "delivery:" + delivery);
        Assert.NotNull(stored);
        Assert.True(stored["payload"]!["issue"]!["body"]!.GetValue<string>().Length >= 2 * 1024 * 1024, "the whole payload is stored");
        Assert.Equal(0, rig.Pipeline.Status.Snapshot().DeadLettered);
        Assert.Equal(1, rig.Rows());
        await Wait.UntilAsync(async () => await rig.InboxCountAsync() == 0, "the inbox is emptied after the delivery reports", 30);

        var message = Assert.Single(kafka.ReadAll(rig.Pipeline.Options.Topic, 3, TimeSpan.FromSeconds(5)).Take(1));
        Assert.True(message.Message.Headers.TryGetLastBytes(KafkaHeaders.ClaimCheck, out _), "the message carries a claim check");
        Assert.Null(message.Message.Value);
    }

    [Fact]
    public async Task A_broker_outage_longer_than_GitHubs_timeout_loses_no_accepted_delivery()
    {
        await using var rig = await Rig.StartAsync(kafka, postgres, azurite, "outage");
        var examples = WebhookExamples.Every.Where(e => e.Event is "issues" or "pull_request" or "push" or "star").Take(30).ToList();
        var ids = new List<string>();
        kafka.Broker.SetBrokerDown();
        try
        {
            foreach (var example in examples)
            {
                var id = Guid.NewGuid().ToString();
                var sw = Stopwatch.StartNew();
                Assert.Equal(HttpStatusCode.Accepted, await rig.SendAsync(example.Body, id, example.Event));
                Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"answered within GitHub's 10 s timeout while the broker is down (took {sw.Elapsed})");
                ids.Add(id);
            }
            await Task.Delay(TimeSpan.FromSeconds(12));
            Assert.Equal(0, rig.Rows());
            Assert.Equal(ids.Count, await rig.InboxCountAsync());
        }
        finally
        {
            kafka.Broker.SetBrokerUp();
        }
        await Wait.UntilAsync(() => rig.Rows() == ids.Count, "every accepted delivery is stored after the broker is back", 180);
        foreach (var id in ids) Assert.NotNull(await rig.Store.GetAsync(Collections.Events, "delivery:" + id));
        await Wait.UntilAsync(async () => await rig.InboxCountAsync() == 0, "the inbox is emptied", 60);
    }

    [Fact]
    public async Task A_batch_put_but_not_relayed_before_a_crash_and_a_pre_batch_blob_are_both_published_on_restart()
    {
        var topics = kafka.NewTopics("drain");
        var inboxName = "inbox-" + Guid.NewGuid().ToString("N")[..8];
        var container = new BlobContainerClient(azurite.Azurite.ConnectionString, inboxName);
        var inbox = new BlobWebhookInbox(container);
        var examples = WebhookExamples.Every.Where(e => e.Event is "issues" or "pull_request" or "push").Take(12).ToList();

        // A host that accepted a batch (put confirmed, callers answered 202) and was killed before its relay ran: the group
        // commit writes to Azurite, its relay callback is never run.
        var committedBlobs = new List<string>();
        var commit = new InboxGroupCommit(inbox, new WebhookOptions { InboxBatchLinger = TimeSpan.FromMilliseconds(200) }, TimeProvider.System,
            (name, _) => { lock (committedBlobs) committedBlobs.Add(name); });
        var batchIds = examples.Select(_ => Guid.NewGuid().ToString()).ToList();
        var entries = examples.Select((e, i) => commit.Add(
            new RawDelivery(e.Event, batchIds[i], "application/json", null, DateTimeOffset.UtcNow, e.Body),
            WebhookNormalization.Normalize(e.Event, batchIds[i], WebhookNormalization.Parse("application/json", e.Body).Payload, DateTimeOffset.UtcNow))).ToList();
        await Task.WhenAll(entries.Select(e => e.Written.Task));
        Assert.Single(committedBlobs);

        // A blob written before group commit: the raw body, headers as metadata, exactly as the earlier writer stored it.
        var legacy = WebhookExamples.Of("issues").First();
        var legacyId = Guid.NewGuid().ToString();
        await container.GetBlobClient($"{DateTime.UtcNow:yyyyMMdd'T'HHmmssfffffff}-{Guid.NewGuid():N}").UploadAsync(BinaryData.FromBytes(legacy.Body),
            new Azure.Storage.Blobs.Models.BlobUploadOptions
            {
                Metadata = new Dictionary<string, string>
                {
                    ["githubevent"] = "issues",
                    ["githubdelivery"] = Uri.EscapeDataString(legacyId),
                    ["receivedat"] = DateTimeOffset.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                    ["contenttype"] = Uri.EscapeDataString("application/json"),
                },
            });

        await using var rig = await Rig.StartAsync(kafka, postgres, azurite, "drain", topics, inboxName);
        await Wait.UntilAsync(() => rig.Rows() == examples.Count + 1, "every delivery of the batch and the pre-batch blob is relayed and stored", 120);
        foreach (var id in batchIds.Append(legacyId)) Assert.NotNull(await rig.Store.GetAsync(Collections.Events, "delivery:" + id));
        Assert.Equal(examples.Count + 1, kafka.ReadAll(topics.Topic, examples.Count + 1, TimeSpan.FromSeconds(30)).Count);
        await Wait.UntilAsync(async () => await rig.InboxCountAsync() == 0, "both blobs are deleted after every delivery's report", 60);

        var form = Encoding.ASCII.GetBytes("payload=" + Uri.EscapeDataString(Encoding.UTF8.GetString(legacy.Body)));
        var formId = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.Accepted, await rig.SendAsync(form, formId, "issues", "application/x-www-form-urlencoded"));
        await Wait.UntilAsync(() => rig.Rows() == examples.Count + 2, "the form-encoded delivery is stored", 120);
        var stored = await rig.Store.GetAsync(Collections.Events, "delivery:" + formId);
        Assert.Equal(legacy.Payload.GetProperty("issue").GetProperty("id").GetInt64(), stored!["payload"]!["issue"]!["id"]!.GetValue<long>());
    }

    [Fact]
    public async Task Concurrent_deliveries_are_written_as_few_batch_blobs_and_each_is_stored()
    {
        // A long linger makes the batching visible to a test; production uses a few milliseconds.
        var settings = new Dictionary<string, string?> { ["GitHub:InboxBatchLinger"] = "00:00:00.300", ["GitHub:InboxMaxConcurrentWrites"] = "1" };
        await using var rig = await Rig.StartAsync(kafka, postgres, azurite, "group", settings: settings);
        var examples = WebhookExamples.Every.Where(e => e.Event is "issues" or "pull_request" or "push" or "star").Take(40).ToList();
        var ids = examples.Select(_ => Guid.NewGuid().ToString()).ToList();
        var inbox = new BlobWebhookInbox(new BlobContainerClient(azurite.Azurite.ConnectionString, rig.InboxName));

        // Broker down: the relay cannot publish, so the batch blobs stay in the inbox to be looked at.
        kafka.Broker.SetBrokerDown();
        var blobs = new Dictionary<string, List<string>>();
        try
        {
            var answers = await Task.WhenAll(examples.Select((e, i) => rig.SendAsync(e.Body, ids[i], e.Event)));
            Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a));
            await foreach (var (name, _) in inbox.ListAsync(CancellationToken.None))
            {
                blobs[name] = (await inbox.ReadAsync(name, CancellationToken.None))!.Select(d => d.DeliveryId).ToList();
            }
        }
        finally
        {
            kafka.Broker.SetBrokerUp();
        }
        // Every acknowledged delivery is in exactly one blob, and 40 deliveries arriving together share few blobs.
        Assert.Equal(ids.Order(), blobs.Values.SelectMany(v => v).Order());
        Assert.InRange(blobs.Count, 1, ids.Count / 4);

        await Wait.UntilAsync(() => rig.Rows() == ids.Count, "every delivery of every batch is stored", 180);
        foreach (var id in ids) Assert.NotNull(await rig.Store.GetAsync(Collections.Events, "delivery:" + id));
        await Wait.UntilAsync(async () => await rig.InboxCountAsync() == 0, "every batch blob is deleted", 60);
    }

    [Fact]
    public async Task The_same_delivery_in_two_batches_is_stored_once()
    {
        var topics = kafka.NewTopics("dup");
        var inboxName = "inbox-" + Guid.NewGuid().ToString("N")[..8];
        var inbox = new BlobWebhookInbox(new BlobContainerClient(azurite.Azurite.ConnectionString, inboxName));
        var example = WebhookExamples.Of("issues").First();
        var duplicate = Guid.NewGuid().ToString();
        var others = new[] { Guid.NewGuid().ToString(), Guid.NewGuid().ToString() };
        RawDelivery Raw(string id) => new("issues", id, "application/json", null, DateTimeOffset.UtcNow, example.Body);
        // GitHub redelivered it to another instance (its own duplicate cache) or after a restart: two blobs hold it.
        await inbox.WriteAsync([Raw(duplicate), Raw(others[0])], CancellationToken.None);
        await inbox.WriteAsync([Raw(others[1]), Raw(duplicate)], CancellationToken.None);

        await using var rig = await Rig.StartAsync(kafka, postgres, azurite, "dup", topics, inboxName);
        await Wait.UntilAsync(async () => await rig.InboxCountAsync() == 0, "both batches are relayed and deleted", 120);
        Assert.Equal(4, kafka.ReadAll(topics.Topic, 4, TimeSpan.FromSeconds(30)).Count);
        await Wait.UntilAsync(() => rig.Rows() == 3 && rig.Pipeline.Status.Snapshot().Duplicates >= 1, "the copy is recognised by the store", 120);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(3, rig.Rows());
        Assert.NotNull(await rig.Store.GetAsync(Collections.Events, "delivery:" + duplicate));
    }

    [Fact]
    public async Task When_storage_drops_every_delivery_of_the_batch_gets_503_and_none_is_relayed()
    {
        using var proxy = new DroppingProxy(azurite.Azurite.BlobPort);
        var storage = azurite.Azurite.ConnectionString.Replace($"127.0.0.1:{azurite.Azurite.BlobPort}", $"127.0.0.1:{proxy.Port}", StringComparison.Ordinal);
        var topics = kafka.NewTopics("drop");
        var sink = new RecordingEventSink();
        await using var pipeline = kafka.CreatePipeline(topics, sink);
        var inboxName = "inbox-" + Guid.NewGuid().ToString("N")[..8];
        await using var app = await EndpointApp.StartAsync(pipeline.Publisher, storage, inboxName, TimeSpan.FromSeconds(2),
            new Dictionary<string, string?> { ["GitHub:InboxBatchLinger"] = "00:00:00.300" });
        var example = WebhookExamples.Of("issues").First();
        Assert.Equal(HttpStatusCode.Accepted, await Rig.SendAsync(app.Http, example.Body, Guid.NewGuid().ToString()));
        await Wait.UntilAsync(() => app.Relay.Pending == 0, "the first delivery is relayed", 60);

        proxy.Drop();
        var sw = Stopwatch.StartNew();
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Rig.SendAsync(app.Http, example.Body, Guid.NewGuid().ToString())));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.ServiceUnavailable, a));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"503 within GitHub's timeout (took {sw.Elapsed})");
        var blobs = new List<string>();
        await foreach (var b in new BlobContainerClient(azurite.Azurite.ConnectionString, inboxName).GetBlobsAsync()) blobs.Add(b.Name);
        Assert.Empty(blobs);
        Assert.Equal(0, app.Relay.Pending);
    }

    [Fact]
    public async Task A_delivery_that_cannot_be_stored_in_time_gets_503()
    {
        // A storage endpoint that accepts the connection and never answers: the write must give up within the bound.
        using var silent = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var deadStorage = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Convert.ToBase64String(new byte[64])};BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
        var topics = kafka.NewTopics("dead-storage");
        await using var pipeline = kafka.CreatePipeline(topics, new RecordingEventSink());
        await using var app = await EndpointApp.StartAsync(pipeline.Publisher, deadStorage, "inbox", TimeSpan.FromSeconds(1));
        var example = WebhookExamples.Of("issues").First();
        var sw = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await Rig.SendAsync(app.Http, example.Body, Guid.NewGuid().ToString()));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"503 within GitHub's timeout (took {sw.Elapsed})");
    }

    [Fact]
    public async Task One_trace_spans_webhook_relay_topic_consumer_and_store_and_the_event_keeps_its_trace_id()
    {
        var exported = new List<Activity>();
        using var tracing = OpenTelemetry.Sdk.CreateTracerProviderBuilder()
            .AddSource(KafkaTraceContext.ActivitySourceName)
            .AddAspNetCoreInstrumentation()
            .AddInMemoryExporter(exported)
            .Build();
        await using var rig = await Rig.StartAsync(kafka, postgres, azurite, "trace");
        var example = WebhookExamples.Of("issues").First();
        var traceId = ActivityTraceId.CreateRandom();
        var delivery = Guid.NewGuid().ToString();

        Assert.Equal(HttpStatusCode.Accepted, await rig.SendAsync(example.Body, delivery, traceParent: $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01"));
        await Wait.UntilAsync(() => rig.Rows() == 1, "the event is stored", 120);
        await Wait.UntilAsync(() => Snapshot(exported).Count(a => a.TraceId == traceId) >= 4, "every span of the path is exported", 30);

        var spans = Snapshot(exported).Where(a => a.TraceId == traceId).ToList();
        Assert.Contains(spans, a => a.Kind == ActivityKind.Server && a.Source.Name == "Microsoft.AspNetCore");
        var publish = Assert.Single(spans, a => a.Kind == ActivityKind.Producer);
        var process = Assert.Single(spans, a => a.Kind == ActivityKind.Consumer);
        var store = Assert.Single(spans, a => a.DisplayName == "store write events");
        Assert.Equal(publish.SpanId, process.ParentSpanId);
        Assert.Equal(process.SpanId, store.ParentSpanId);
        var stored = await rig.Store.GetAsync(Collections.Events, "delivery:" + delivery);
        Assert.Equal(traceId.ToHexString(), stored!["trace_id"]!.GetValue<string>());
    }

    private static List<Activity> Snapshot(List<Activity> exported)
    {
        lock (exported) return exported.ToList();
    }

    private static byte[] LargeIssueDelivery(int bodyChars)
    {
        var node = JsonNode.Parse(WebhookExamples.Of("issues").First().Body)!;
        node["issue"]!["body"] = new string('x', bodyChars);
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    /// <summary>The webhook endpoint (real Kestrel, AddPipelineWebhooks) publishing through the given publisher.</summary>
    private sealed class EndpointApp : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private EndpointApp(WebApplication app)
        {
            _app = app;
            Http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(60) };
            Relay = app.Services.GetRequiredService<WebhookRelay>();
        }

        public HttpClient Http { get; }

        public WebhookRelay Relay { get; }

        public static async Task<EndpointApp> StartAsync(IEventPublisher publisher, string storage, string inbox, TimeSpan? writeTimeout = null, IReadOnlyDictionary<string, string?>? settings = null)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["GitHub:WebhookSecret"] = Secret,
                ["AzureWebJobsStorage"] = storage,
                ["GitHub:InboxContainer"] = inbox,
                ["GitHub:DurableWriteTimeout"] = (writeTimeout ?? TimeSpan.FromSeconds(5)).ToString(),
            });
            if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
            builder.Services.AddSingleton(publisher);
            builder.Services.AddPipelineWebhooks(builder.Configuration);
            var app = builder.Build();
            app.MapWebhookEndpoints();
            await app.StartAsync();
            return new EndpointApp(app);
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    /// <summary>Endpoint + relay + production publisher with claim checks + consumer with the resolver + EventSink on PostgreSQL.</summary>
    private sealed class Rig : IAsyncDisposable
    {
        private readonly List<EndpointApp> _apps = [];
        private readonly string _storage;
        private readonly string _inbox;
        private EventConsumerService? _consumer;

        private Rig(KafkaPipeline pipeline, PostgresStore store, KafkaEventPublisher publisher, string storage, string inbox)
        {
            Pipeline = pipeline;
            Store = store;
            Publisher = publisher;
            _storage = storage;
            _inbox = inbox;
        }

        public KafkaPipeline Pipeline { get; }
        public PostgresStore Store { get; }
        public KafkaEventPublisher Publisher { get; }
        public HttpClient Http => _apps[0].Http;

        public static async Task<Rig> StartAsync(KafkaFixture kafka, PostgresFixture postgres, AzuriteFixture azurite, string name, KafkaOptions? topics = null, string? inbox = null, IReadOnlyDictionary<string, string?>? settings = null)
        {
            topics ??= kafka.NewTopics(name);
            topics.ProducerDeliveryTimeoutMs = 300_000;
            var store = await postgres.CreateStoreAsync("durable");
            await StoreSchema.EnsureAsync(store);
            var pipeline = kafka.CreatePipeline(topics, new EventSink(store));
            var claims = new BlobClaimCheckStore(new BlobContainerClient(azurite.Azurite.ConnectionString, "claims-" + Guid.NewGuid().ToString("N")[..8]));
            var publisher = new KafkaEventPublisher(pipeline.ProducerHost, Options.Create(topics), claims);
            var rig = new Rig(pipeline, store, publisher, azurite.Azurite.ConnectionString, inbox ?? "inbox-" + Guid.NewGuid().ToString("N")[..8]);
            rig._consumer = new EventConsumerService(pipeline.Configs, pipeline.Sink, pipeline.DeadLetters, pipeline.Status,
                NullLogger<EventConsumerService>.Instance, new ClaimCheckResolver(claims));
            await rig._consumer.StartAsync(CancellationToken.None);
            rig._apps.Add(await rig.StartAppAsync(settings));
            return rig;
        }

        public Task<EndpointApp> StartAppAsync(IReadOnlyDictionary<string, string?>? settings = null) => EndpointApp.StartAsync(Publisher, _storage, _inbox, settings: settings);

        public string InboxName => _inbox;

        public long Rows() => Store.CountAsync(Collections.Events).GetAwaiter().GetResult();

        public async Task<int> InboxCountAsync()
        {
            var n = 0;
            await foreach (var _ in new BlobContainerClient(_storage, _inbox).GetBlobsAsync()) n++;
            return n;
        }

        public Task<HttpStatusCode> SendAsync(byte[] body, string delivery, string eventType = "issues", string contentType = "application/json", string? traceParent = null) =>
            SendAsync(Http, body, delivery, eventType, contentType, traceParent);

        public static async Task<HttpStatusCode> SendAsync(HttpClient http, byte[] body, string delivery, string eventType = "issues", string contentType = "application/json", string? traceParent = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, WebhookEndpoints.Route) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            request.Headers.Add("X-GitHub-Event", eventType);
            request.Headers.Add("X-GitHub-Delivery", delivery);
            request.Headers.Add("X-Hub-Signature-256", WebhookSignatureVerifier.Sign(body, Secret));
            if (traceParent is not null) request.Headers.Add("traceparent", traceParent);
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var app in _apps) await app.DisposeAsync();
            if (_consumer is not null)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await _consumer.StopAsync(timeout.Token);
                _consumer.Dispose();
            }
            await Pipeline.DisposeAsync();
        }
    }

    /// <summary>A TCP proxy to Azurite that can drop: <see cref="Drop"/> resets every open connection and every later one.</summary>
    private sealed class DroppingProxy : IDisposable
    {
        private readonly System.Net.Sockets.TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly int _target;
        private readonly List<System.Net.Sockets.TcpClient> _open = [];
        private volatile bool _dropped;

        public DroppingProxy(int target)
        {
            _target = target;
            _listener.Start();
            _ = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public void Drop()
        {
            _dropped = true;
            lock (_open)
            {
                foreach (var c in _open) c.Client.Close(0);
                _open.Clear();
            }
        }

        private async Task AcceptAsync()
        {
            while (true)
            {
                System.Net.Sockets.TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync();
                }
                catch (Exception)
                {
                    return;
                }
                if (_dropped)
                {
                    client.Client.Close(0);
                    continue;
                }
                _ = PipeAsync(client);
            }
        }

        private async Task PipeAsync(System.Net.Sockets.TcpClient client)
        {
            using var upstream = new System.Net.Sockets.TcpClient();
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, _target);
                lock (_open)
                {
                    _open.Add(client);
                    _open.Add(upstream);
                }
                using var a = client.GetStream();
                using var b = upstream.GetStream();
                await Task.WhenAny(a.CopyToAsync(b), b.CopyToAsync(a));
            }
            catch (Exception)
            {
                // Dropped.
            }
            finally
            {
                client.Dispose();
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            Drop();
        }
    }
}
