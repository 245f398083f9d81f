namespace Pipeline.Ingestion.Kafka;

/// <summary>
/// Settings of section <c>Kafka</c> (env vars <c>Kafka__BootstrapServers</c>, ...). Works against any Kafka cluster,
/// the embedded librdkafka mock (local host, when <see cref="BootstrapServers"/> is empty) and Azure Event Hubs'
/// Kafka endpoint (set <see cref="EventHubsConnectionString"/>, or the SASL keys yourself; see docs/eventhubs.md).
/// </summary>
public sealed class KafkaOptions
{
    public const string SectionName = "Kafka";

    /// <summary><c>host:port[,host:port]</c>. Empty: the local host starts the embedded broker and fills this in.
    /// With <see cref="EventHubsConnectionString"/> set it defaults to <c>&lt;namespace&gt;.servicebus.windows.net:9093</c>.</summary>
    public string BootstrapServers { get; set; } = "";

    public string Topic { get; set; } = "github.events";

    public string DeadLetterTopic { get; set; } = "github.events.dlq";

    public string ConsumerGroup { get; set; } = "pipeline-consumer";

    /// <summary>Client id prefix reported to the broker (visible in broker logs and quotas).</summary>
    public string ClientId { get; set; } = "pipeline";

    /// <summary>Plaintext, Ssl, SaslPlaintext or SaslSsl (also accepted: SASL_SSL style). Empty = Plaintext,
    /// or SaslSsl when <see cref="EventHubsConnectionString"/> is set.</summary>
    public string SecurityProtocol { get; set; } = "";

    /// <summary>Plain, ScramSha256, ScramSha512 or OAuthBearer. Empty = Plain when SASL is used.</summary>
    public string SaslMechanism { get; set; } = "";

    public string SaslUsername { get; set; } = "";

    public string SaslPassword { get; set; } = "";

    /// <summary>An Event Hubs namespace connection string (<c>Endpoint=sb://&lt;ns&gt;.servicebus.windows.net/;SharedAccessKeyName=...;SharedAccessKey=...</c>).
    /// When set: bootstrap <c>&lt;ns&gt;.servicebus.windows.net:9093</c>, SASL_SSL + PLAIN, username <c>$ConnectionString</c>, password = this.</summary>
    public string EventHubsConnectionString { get; set; } = "";

    // ---- producer ----

    /// <summary>linger.ms: how long the producer waits to fill a batch. A few ms buys large batches at little latency.</summary>
    public int ProducerLingerMs { get; set; } = 5;

    /// <summary>batch.size in bytes per partition batch.</summary>
    public int ProducerBatchSizeBytes { get; set; } = 1_000_000;

    /// <summary>batch.num.messages per partition batch.</summary>
    public int ProducerBatchNumMessages { get; set; } = 10_000;

    /// <summary>compression.type: none, gzip, snappy, lz4, zstd (Event Hubs supports none and gzip).</summary>
    public string ProducerCompression { get; set; } = "none";

    /// <summary>delivery.timeout.ms (message.timeout.ms): after this a message not acknowledged fails its PublishAsync.</summary>
    public int ProducerDeliveryTimeoutMs { get; set; } = 120_000;

    /// <summary>queue.buffering.max.messages: local queue bound; PublishAsync waits (does not fail) while it is full.</summary>
    public int ProducerQueueMaxMessages { get; set; } = 200_000;

    /// <summary>Serialised events larger than this travel as a claim check: the value is written to blob container
    /// <see cref="ClaimCheckContainer"/> and the message carries only the <c>claim-check</c> header naming it. Below the
    /// broker's 1 MB message limit (librdkafka's message.max.bytes, Event Hubs' cap), with room for key and headers.</summary>
    public int ClaimCheckThresholdBytes { get; set; } = 900_000;

    /// <summary>Blob container for claim-checked message values (give it a lifecycle rule longer than the topic retention).</summary>
    public string ClaimCheckContainer { get; set; } = "kafka-claims";

    /// <summary>Storage account for claim checks; empty = <c>AzureWebJobsStorage</c>. Without either, oversized events fail to publish.</summary>
    public string StorageConnectionString { get; set; } = "";

    // ---- consumer ----

    /// <summary>Most events written to the store in one batch.</summary>
    public int ConsumerBatchSize { get; set; } = 1_000;

    /// <summary>Concurrent store writes per batch. The batch is split into slices that never share a partition, so one
    /// repository's events are still written in order by one writer (what the sink's projections assume).</summary>
    public int ConsumerMaxParallelWrites { get; set; } = 2;

    /// <summary>Longest wait to fill a batch before writing what arrived.</summary>
    public int ConsumerBatchMaxWaitMs { get; set; } = 200;

    /// <summary>fetch.min.bytes: the broker answers a fetch once this much is ready, or after 100 ms (fetch.wait.max.ms).
    /// 256 KiB makes a consumer that keeps up with a backfill fetch batches instead of a few messages per partition per
    /// request (1.2× the no-op ingest rate, docs/benchmarks.md "Issue 15, part 5"); an idle topic adds at most 100 ms.</summary>
    public int ConsumerFetchMinBytes { get; set; } = 262_144;

    /// <summary>Collect and deserialise the next batch while the current one is written (one write in flight). Not a
    /// setting (the binder only sees public properties): false gives the earlier fully serial loop, which the ingest
    /// bench measures against and the consumer tests cover too.</summary>
    internal bool ConsumerOverlapWrites { get; set; } = true;

    /// <summary>session.timeout.ms: how soon a dead consumer's partitions move to another one.</summary>
    public int ConsumerSessionTimeoutMs { get; set; } = 10_000;

    /// <summary>max.poll.interval.ms.</summary>
    public int ConsumerMaxPollIntervalMs { get; set; } = 300_000;

    /// <summary>earliest or latest, for a group without committed offsets.</summary>
    public string ConsumerAutoOffsetReset { get; set; } = "earliest";

    /// <summary>Attempts a single event gets when the sink rejects it with a non-transient error, before it goes to the DLQ.</summary>
    public int MaxDeliveryAttempts { get; set; } = 3;

    /// <summary>First back-off after a store outage (<c>StoreUnavailableException</c>); doubles, jittered, up to the cap.</summary>
    public int StoreRetryInitialDelayMs { get; set; } = 250;

    public int StoreRetryMaxDelayMs { get; set; } = 15_000;
}
