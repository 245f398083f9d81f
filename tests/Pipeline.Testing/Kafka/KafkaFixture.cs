using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pipeline.Embedded;
using Pipeline.Ingestion.Consumer;
using Pipeline.Ingestion.Kafka;
using Pipeline.Storage;

namespace Pipeline.Testing.Kafka;

/// <summary>
/// One embedded Kafka broker (librdkafka's mock cluster, real Kafka protocol on loopback) per test run. Each test takes
/// its own topic pair and consumer group from <see cref="NewTopics"/> so tests never see each other's messages.
/// Use with <c>[Collection(KafkaFixture.Collection)]</c> and a <c>[CollectionDefinition]</c> in the test assembly.
/// </summary>
public sealed class KafkaFixture : IDisposable
{
    public const string Collection = "Kafka";

    private int _counter;

    public KafkaFixture()
    {
        Broker = EmbeddedKafka.Start(brokerCount: 1);
    }

    public EmbeddedKafka Broker { get; }

    public string BootstrapServers => Broker.BootstrapServers;

    /// <summary>A fresh events topic (with <paramref name="partitions"/> partitions), DLQ topic and consumer group.</summary>
    public KafkaOptions NewTopics(string name, int partitions = 8)
    {
        var n = Interlocked.Increment(ref _counter);
        var topic = $"t{n}-{name}.events";
        Broker.CreateTopic(topic, partitions);
        Broker.CreateTopic(topic + ".dlq", 2);
        return new KafkaOptions
        {
            BootstrapServers = BootstrapServers,
            Topic = topic,
            DeadLetterTopic = topic + ".dlq",
            ConsumerGroup = $"g{n}-{name}",
            ClientId = $"test-{name}",
            ConsumerSessionTimeoutMs = 6_000,
            ConsumerMaxPollIntervalMs = 60_000,
            ConsumerBatchMaxWaitMs = 50,
            ConsumerBatchSize = 200,
            StoreRetryInitialDelayMs = 50,
            StoreRetryMaxDelayMs = 500,
            ProducerLingerMs = 2,
            ProducerDeliveryTimeoutMs = 60_000,
        };
    }

    /// <summary>Publisher, DLQ publisher and consumer service wired like the DI extension does, for one test.</summary>
    public KafkaPipeline CreatePipeline(KafkaOptions options, IEventSink sink) => new(options, sink);

    /// <summary>Reads every message currently in a topic (from the beginning) until <paramref name="expected"/> arrived or the timeout.</summary>
    public List<ConsumeResult<byte[]?, byte[]?>> ReadAll(string topic, int expected, TimeSpan timeout)
    {
        LibrdkafkaLoader.EnsureLoaded();
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = "reader-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            SessionTimeoutMs = 6_000,
        }).SetLogHandler((_, _) => { }).Build();
        consumer.Subscribe(topic);
        var results = new List<ConsumeResult<byte[]?, byte[]?>>();
        var deadline = DateTime.UtcNow + timeout;
        while (results.Count < expected && DateTime.UtcNow < deadline)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (r is not null && !r.IsPartitionEOF) results.Add(r);
        }
        consumer.Close();
        return results;
    }

    public void Dispose() => Broker.Dispose();
}

/// <summary>The Kafka half of the pipeline for one test: publisher, dead-letter publisher, consumer service.</summary>
public sealed class KafkaPipeline : IAsyncDisposable
{
    private readonly KafkaProducerHost _producerHost;
    private EventConsumerService? _consumer;

    public KafkaPipeline(KafkaOptions options, IEventSink sink)
    {
        Options = options;
        Sink = sink;
        Configs = new ClientConfigFactory(Microsoft.Extensions.Options.Options.Create(options));
        _producerHost = new KafkaProducerHost(Configs, NullLogger<KafkaProducerHost>.Instance);
        Publisher = new KafkaEventPublisher(_producerHost, Microsoft.Extensions.Options.Options.Create(options));
        DeadLetters = new DeadLetterPublisher(_producerHost, Microsoft.Extensions.Options.Options.Create(options));
    }

    public KafkaOptions Options { get; }
    public IEventSink Sink { get; }
    public KafkaProducerHost ProducerHost => _producerHost;
    public ClientConfigFactory Configs { get; }
    internal KafkaEventPublisher Publisher { get; }
    internal DeadLetterPublisher DeadLetters { get; }
    public ConsumerStatusTracker Status { get; } = new();

    /// <summary>The consumer's recent log lines (every consumer this pipeline started), for a timed-out test's message.</summary>
    internal RecentLog<EventConsumerService> ConsumerLog { get; } = new();

    /// <summary>Starts a new consumer instance (a previous one must be stopped first).</summary>
    internal async Task<EventConsumerService> StartConsumerAsync()
    {
        if (_consumer is not null) throw new InvalidOperationException("A consumer is already running");
        _consumer = new EventConsumerService(Configs, Sink, DeadLetters, Status, ConsumerLog);
        await _consumer.StartAsync(CancellationToken.None);
        return _consumer;
    }

    /// <summary>Stops the consumer: cancels it wherever it is (mid-write included) and waits for it to leave the group.</summary>
    public async Task StopConsumerAsync()
    {
        if (_consumer is null) return;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _consumer.StopAsync(timeout.Token);
        _consumer.Dispose();
        _consumer = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopConsumerAsync();
        _producerHost.Dispose();
    }
}
