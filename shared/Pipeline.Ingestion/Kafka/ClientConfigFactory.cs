using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace Pipeline.Ingestion.Kafka;

/// <summary>Builds librdkafka client configurations from <see cref="KafkaOptions"/>: one place for connection, security
/// and the delivery guarantees the pipeline depends on.</summary>
public sealed class ClientConfigFactory(IOptions<KafkaOptions> options)
{
    private readonly KafkaOptions _o = options.Value;

    public KafkaOptions Options => _o;

    /// <summary>Idempotent producer: acks=all, enable.idempotence=true (no duplicates or reordering from retries).</summary>
    public ProducerConfig CreateProducerConfig(string clientIdSuffix = "producer")
    {
        var c = new ProducerConfig
        {
            ClientId = $"{_o.ClientId}-{clientIdSuffix}",
            EnableIdempotence = true,
            Acks = Acks.All,
            MaxInFlight = 5, // the most idempotence allows while keeping order
            LingerMs = _o.ProducerLingerMs,
            BatchSize = _o.ProducerBatchSizeBytes,
            BatchNumMessages = _o.ProducerBatchNumMessages,
            CompressionType = ParseCompression(_o.ProducerCompression) ?? CompressionType.None,
            MessageTimeoutMs = _o.ProducerDeliveryTimeoutMs,
            QueueBufferingMaxMessages = _o.ProducerQueueMaxMessages,
            QueueBufferingMaxKbytes = 1_048_576,
            // Murmur2 is the Java client's partitioner: the same repo lands on the same partition whichever client produced it.
            Partitioner = Partitioner.Murmur2Random,
            // Only the status is read in delivery reports; skipping key/value/headers saves a copy per message.
            DeliveryReportFields = "status",
        };
        ApplyConnection(c);
        return c;
    }

    /// <summary>Group consumer that never commits on its own: offsets are committed explicitly after the store write.</summary>
    public ConsumerConfig CreateConsumerConfig(string clientIdSuffix = "consumer")
    {
        var c = new ConsumerConfig
        {
            ClientId = $"{_o.ClientId}-{clientIdSuffix}",
            GroupId = _o.ConsumerGroup,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = string.Equals(_o.ConsumerAutoOffsetReset, "latest", StringComparison.OrdinalIgnoreCase)
                ? AutoOffsetReset.Latest : AutoOffsetReset.Earliest,
            SessionTimeoutMs = _o.ConsumerSessionTimeoutMs,
            HeartbeatIntervalMs = Math.Max(100, _o.ConsumerSessionTimeoutMs / 5),
            MaxPollIntervalMs = _o.ConsumerMaxPollIntervalMs,
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.RoundRobin,
            // Pause must stop delivery at once during a store outage; prefetch is bounded to keep memory flat.
            QueuedMaxMessagesKbytes = 65_536,
            FetchWaitMaxMs = 100,
            // A backfill fetches whole batches instead of a trickle per partition; live traffic waits at most FetchWaitMaxMs.
            FetchMinBytes = _o.ConsumerFetchMinBytes,
            EnablePartitionEof = false,
            IsolationLevel = IsolationLevel.ReadCommitted,
            // Skip marshalling the timestamp of every message: the consumer needs topic (DLQ) and headers (kept in the DLQ).
            ConsumeResultFields = "topic,headers",
        };
        ApplyConnection(c);
        return c;
    }

    /// <summary>The effective bootstrap servers (Event Hubs namespace derived when only a connection string is set).</summary>
    public string EffectiveBootstrapServers()
    {
        if (!string.IsNullOrWhiteSpace(_o.BootstrapServers)) return _o.BootstrapServers;
        var eh = EventHubsConnection.TryParse(_o.EventHubsConnectionString);
        return eh?.KafkaBootstrapServers ?? "";
    }

    private void ApplyConnection(ClientConfig c)
    {
        c.BootstrapServers = EffectiveBootstrapServers();
        var eventHubs = !string.IsNullOrWhiteSpace(_o.EventHubsConnectionString);
        var protocol = ParseSecurityProtocol(_o.SecurityProtocol) ?? (eventHubs ? SecurityProtocol.SaslSsl : SecurityProtocol.Plaintext);
        c.SecurityProtocol = protocol;
        if (protocol is SecurityProtocol.SaslSsl or SecurityProtocol.SaslPlaintext)
        {
            c.SaslMechanism = ParseSaslMechanism(_o.SaslMechanism) ?? SaslMechanism.Plain;
            if (eventHubs && string.IsNullOrWhiteSpace(_o.SaslUsername))
            {
                // Event Hubs' Kafka endpoint: the literal user "$ConnectionString" and the connection string as password.
                c.SaslUsername = "$ConnectionString";
                c.SaslPassword = _o.EventHubsConnectionString;
            }
            else
            {
                c.SaslUsername = _o.SaslUsername;
                c.SaslPassword = _o.SaslPassword;
            }
        }
        if (IsEventHubs)
        {
            // Event Hubs closes idle connections after 240 s (keep both below it), caps requests just under 1 MiB and
            // enforces a 20 s minimum request timeout: the client settings its Kafka guide asks for.
            c.SocketKeepaliveEnable = true;
            c.MetadataMaxAgeMs = 180_000;
            c.ConnectionsMaxIdleMs = 180_000;
            c.MessageMaxBytes = 1_000_000;
            if (c is ProducerConfig p)
            {
                p.RequestTimeoutMs = 60_000;
                p.BatchSize = Math.Min(p.BatchSize ?? 1_000_000, 1_000_000);
            }
        }
    }

    /// <summary>True when the target is Azure Event Hubs' Kafka endpoint (connection string given or a servicebus host).</summary>
    public bool IsEventHubs =>
        !string.IsNullOrWhiteSpace(_o.EventHubsConnectionString)
        || EffectiveBootstrapServers().Contains(".servicebus.", StringComparison.OrdinalIgnoreCase);

    public static SecurityProtocol? ParseSecurityProtocol(string? value) => Normalise(value) switch
    {
        "" => null,
        "plaintext" => SecurityProtocol.Plaintext,
        "ssl" => SecurityProtocol.Ssl,
        "saslplaintext" => SecurityProtocol.SaslPlaintext,
        "saslssl" => SecurityProtocol.SaslSsl,
        _ => null,
    };

    public static SaslMechanism? ParseSaslMechanism(string? value) => Normalise(value) switch
    {
        "" => null,
        "plain" => SaslMechanism.Plain,
        "scramsha256" => SaslMechanism.ScramSha256,
        "scramsha512" => SaslMechanism.ScramSha512,
        "oauthbearer" => SaslMechanism.OAuthBearer,
        _ => null,
    };

    public static CompressionType? ParseCompression(string? value) => Normalise(value) switch
    {
        "" or "none" => CompressionType.None,
        "gzip" => CompressionType.Gzip,
        "snappy" => CompressionType.Snappy,
        "lz4" => CompressionType.Lz4,
        "zstd" => CompressionType.Zstd,
        _ => null,
    };

    private static string Normalise(string? v) =>
        (v ?? "").Replace("_", "").Replace("-", "").Trim().ToLowerInvariant();
}
