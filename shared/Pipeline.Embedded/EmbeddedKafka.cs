using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pipeline.Embedded;

/// <summary>
/// librdkafka's mock Kafka cluster, created through P/Invoke on loopback. It speaks the real Kafka protocol to ordinary
/// clients (produce, idempotent and transactional producers, consumer groups with offset commits) and supports fault
/// injection (broker down, request errors, added latency).
/// What it is NOT: a durable broker. Everything lives in memory and is gone on dispose; each partition keeps only about
/// 5 MiB of log (older segments are dropped), so create topics with many partitions; there is no Admin API (topics are
/// created with <see cref="CreateTopic"/>); it checks producer sequence numbers only for transactional producers.
/// For anything beyond local runs and tests, point <c>Kafka:BootstrapServers</c> at a real cluster.
/// </summary>
public sealed class EmbeddedKafka : IDisposable
{
    /// <summary>Partitions for the events topic by default: the mock keeps ~5 MiB per partition, so spread the log out.</summary>
    public const int DefaultEventPartitions = 32;

    private readonly Lock _gate = new();
    private readonly ILogger _logger;
    private readonly HashSet<string> _topics = new(StringComparer.Ordinal);
    private IntPtr _rk;
    private IntPtr _cluster;

    private EmbeddedKafka(IntPtr rk, IntPtr cluster, int brokerCount, ILogger logger)
    {
        _rk = rk;
        _cluster = cluster;
        BrokerCount = brokerCount;
        _logger = logger;
        BootstrapServers = Marshal.PtrToStringUTF8(MockClusterNative.rd_kafka_mock_cluster_bootstraps(cluster))
            ?? throw new InvalidOperationException("Mock cluster returned no bootstrap servers");
    }

    /// <summary><c>host:port[,host:port...]</c> of the mock brokers, for <c>bootstrap.servers</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary>Broker ids run from 1 to <see cref="BrokerCount"/>.</summary>
    public int BrokerCount { get; }

    /// <summary>Topics created so far.</summary>
    public IReadOnlyCollection<string> Topics
    {
        get { lock (_gate) return _topics.ToArray(); }
    }

    /// <summary>Starts a mock cluster with <paramref name="brokerCount"/> brokers and creates <paramref name="topics"/>.</summary>
    public static EmbeddedKafka Start(int brokerCount = 1, IEnumerable<EmbeddedTopic>? topics = null, ILogger? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokerCount, 1);
        LibrdkafkaNative.EnsureLoaded();
        var conf = MockClusterNative.rd_kafka_conf_new();
        var errstr = new byte[512];
        // The handle only anchors the mock's bookkeeping; keep it quiet and away from any real broker.
        SetConf(conf, "log_level", "3", errstr);
        var rk = MockClusterNative.rd_kafka_new(MockClusterNative.RdKafkaProducer, conf, errstr, (UIntPtr)errstr.Length);
        if (rk == IntPtr.Zero)
        {
            MockClusterNative.rd_kafka_conf_destroy(conf);
            throw new InvalidOperationException("rd_kafka_new failed: " + Text(errstr));
        }
        var cluster = MockClusterNative.rd_kafka_mock_cluster_new(rk, brokerCount);
        if (cluster == IntPtr.Zero)
        {
            MockClusterNative.rd_kafka_destroy(rk);
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed");
        }
        // The default 3 s initial rebalance delay makes every new consumer group wait; real clusters in tests use 0 too.
        MockClusterNative.rd_kafka_mock_group_initial_rebalance_delay_ms(cluster, 0);
        var kafka = new EmbeddedKafka(rk, cluster, brokerCount, logger ?? NullLogger.Instance);
        foreach (var t in topics ?? [])
        {
            kafka.CreateTopic(t.Name, t.Partitions);
        }
        EmbeddedKafkaLog.MockClusterListening(kafka._logger, brokerCount, kafka.BootstrapServers);
        return kafka;
    }

    /// <summary>
    /// For hosts: when <c>Kafka:BootstrapServers</c> is empty, starts the embedded broker with the configured topics
    /// (<c>Kafka:Topic</c>, <c>Kafka:DeadLetterTopic</c>), writes <c>Kafka:BootstrapServers</c> back into
    /// <paramref name="configuration"/> and the bootstrap string to <paramref name="bootstrapFile"/> (when given).
    /// Returns null when a real cluster is configured. The caller owns (and disposes) the returned broker.
    /// </summary>
    public static EmbeddedKafka? StartIfUnconfigured(IConfiguration configuration, ILogger? logger = null, string? bootstrapFile = null)
    {
        var section = configuration.GetSection("Kafka");
        if (!string.IsNullOrWhiteSpace(section["BootstrapServers"]) || !string.IsNullOrWhiteSpace(section["EventHubsConnectionString"]))
        {
            return null;
        }
        var topic = section["Topic"] is { Length: > 0 } t ? t : "github.events";
        var dlq = section["DeadLetterTopic"] is { Length: > 0 } d ? d : "github.events.dlq";
        var partitions = int.TryParse(section["EmbeddedPartitions"], out var p) && p > 0 ? p : DefaultEventPartitions;
        var kafka = Start(1, [new EmbeddedTopic(topic, partitions), new EmbeddedTopic(dlq, 4)], logger);
        configuration["Kafka:BootstrapServers"] = kafka.BootstrapServers;
        if (bootstrapFile is not null)
        {
            kafka.WriteBootstrapFile(bootstrapFile);
        }
        return kafka;
    }

    /// <summary>Creates a topic (no-op when this instance already created it).</summary>
    public void CreateTopic(string name, int partitions, int replicationFactor = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        lock (_gate)
        {
            ThrowIfDisposed();
            if (!_topics.Add(name)) return;
            var err = MockClusterNative.rd_kafka_mock_topic_create(_cluster, name, partitions, Math.Min(replicationFactor, BrokerCount));
            if (err != 0)
            {
                _topics.Remove(name);
                throw new InvalidOperationException($"Creating topic '{name}' failed: {MockClusterNative.ErrorText(err)}");
            }
        }
    }

    /// <summary>Disconnects the broker (or every broker with -1) and refuses new connections until <see cref="SetBrokerUp"/>.</summary>
    public void SetBrokerDown(int brokerId = -1) => Check(MockClusterNative.rd_kafka_mock_broker_set_down(Cluster, brokerId), "broker down");

    /// <summary>Lets the broker (or every broker with -1) accept connections again.</summary>
    public void SetBrokerUp(int brokerId = -1) => Check(MockClusterNative.rd_kafka_mock_broker_set_up(Cluster, brokerId), "broker up");

    /// <summary>Adds a round-trip delay to every response of a broker.</summary>
    public void SetBrokerRtt(int brokerId, TimeSpan rtt) =>
        Check(MockClusterNative.rd_kafka_mock_broker_set_rtt(Cluster, brokerId, (int)rtt.TotalMilliseconds), "broker rtt");

    /// <summary>
    /// Makes the next <c>errors.Length</c> requests of a Kafka API (e.g. 0 = Produce, 1 = Fetch, 8 = OffsetCommit) fail
    /// with the given Kafka error codes, in order. <c>Confluent.Kafka.ErrorCode.Local_Transport</c> (-195) disconnects the client.
    /// </summary>
    public void PushRequestErrors(short apiKey, params Confluent.Kafka.ErrorCode[] errors)
    {
        var codes = errors.Select(e => (int)e).ToArray();
        MockClusterNative.rd_kafka_mock_push_request_errors_array(Cluster, apiKey, (UIntPtr)codes.Length, codes);
    }

    /// <summary>Drops injected errors for an API that have not fired yet.</summary>
    public void ClearRequestErrors(short apiKey) => MockClusterNative.rd_kafka_mock_clear_request_errors(Cluster, apiKey);

    /// <summary>Writes the bootstrap string to a file (one line) so other processes and operators can find the broker.</summary>
    public void WriteBootstrapFile(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        File.WriteAllText(path, BootstrapServers + Environment.NewLine);
        EmbeddedKafkaLog.BootstrapServersWritten(_logger, path);
    }

    private IntPtr Cluster
    {
        get
        {
            lock (_gate)
            {
                ThrowIfDisposed();
                return _cluster;
            }
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_cluster == IntPtr.Zero, this);

    private static void Check(int err, string what)
    {
        if (err != 0) throw new InvalidOperationException($"Mock cluster {what} failed: {MockClusterNative.ErrorText(err)}");
    }

    private static void SetConf(IntPtr conf, string name, string value, byte[] errstr)
    {
        if (MockClusterNative.rd_kafka_conf_set(conf, name, value, errstr, (UIntPtr)errstr.Length) != 0)
        {
            throw new InvalidOperationException($"rd_kafka_conf_set({name}) failed: {Text(errstr)}");
        }
    }

    private static string Text(byte[] errstr)
    {
        var end = Array.IndexOf(errstr, (byte)0);
        return Encoding.UTF8.GetString(errstr, 0, end < 0 ? errstr.Length : end);
    }

    /// <summary>Destroys the cluster (closing its listeners) and then the handle that anchors it.</summary>
    public void Dispose()
    {
        IntPtr cluster, rk;
        lock (_gate)
        {
            (cluster, rk) = (_cluster, _rk);
            (_cluster, _rk) = (IntPtr.Zero, IntPtr.Zero);
        }
        if (cluster != IntPtr.Zero) MockClusterNative.rd_kafka_mock_cluster_destroy(cluster);
        if (rk != IntPtr.Zero) MockClusterNative.rd_kafka_destroy(rk);
    }
}

/// <summary>The source-generated log messages of EmbeddedKafka (event ids: docs/architecture.md).</summary>
internal static partial class EmbeddedKafkaLog
{
    [LoggerMessage(EventId = 9001, Level = LogLevel.Information, Message = "Embedded Kafka (librdkafka mock cluster, {Brokers} broker(s), in memory) listening on {Bootstrap}")]
    public static partial void MockClusterListening(ILogger logger, int brokers, string bootstrap);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Information, Message = "Embedded Kafka bootstrap servers written to {Path}")]
    public static partial void BootstrapServersWritten(ILogger logger, string path);
}
