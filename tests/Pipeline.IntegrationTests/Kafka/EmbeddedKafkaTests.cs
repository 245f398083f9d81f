using System.Net.Sockets;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Pipeline.Embedded;
using Pipeline.Ingestion.Kafka;

namespace Pipeline.IntegrationTests.Kafka;

/// <summary>The embedded broker itself: what a host relies on when no Kafka:BootstrapServers is configured.</summary>
public sealed class EmbeddedKafkaTests
{
    [Fact]
    public void StartIfUnconfigured_starts_a_broker_with_the_configured_topics_and_writes_its_address()
    {
        var dir = Directory.CreateTempSubdirectory("pipeline-kafka-test").FullName;
        try
        {
            var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Kafka:Topic"] = "my.events",
                ["Kafka:DeadLetterTopic"] = "my.events.dlq",
            }).Build();
            var file = Path.Combine(dir, "kafka.bootstrap");
            using var broker = EmbeddedKafka.StartIfUnconfigured(config, bootstrapFile: file);

            Assert.NotNull(broker);
            Assert.Equal(broker.BootstrapServers, config["Kafka:BootstrapServers"]);
            Assert.Equal(broker.BootstrapServers, File.ReadAllText(file).Trim());
            Assert.StartsWith("127.0.0.1:", broker.BootstrapServers);

            // The topics exist with the partitions asked for (the mock has no Admin API; metadata is the proof).
            LibrdkafkaLoader.EnsureLoaded();
            using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
            var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
            Assert.Equal(EmbeddedKafka.DefaultEventPartitions, metadata.Topics.Single(t => t.Topic == "my.events").Partitions.Count);
            Assert.Contains(metadata.Topics, t => t.Topic == "my.events.dlq");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void StartIfUnconfigured_does_nothing_when_a_cluster_is_configured()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:BootstrapServers"] = "kafka.example:9092",
        }).Build();
        Assert.Null(EmbeddedKafka.StartIfUnconfigured(config));
        Assert.Equal("kafka.example:9092", config["Kafka:BootstrapServers"]);
    }

    [Fact]
    public void Dispose_closes_the_listener_and_creating_a_topic_twice_is_harmless()
    {
        var broker = EmbeddedKafka.Start(brokerCount: 3);
        broker.CreateTopic("twice", 3);
        broker.CreateTopic("twice", 3);
        Assert.Single(broker.Topics, t => t == "twice");
        Assert.Equal(3, broker.BootstrapServers.Split(',').Length);
        var port = int.Parse(broker.BootstrapServers.Split(',')[0].Split(':')[1]);
        using (var client = new TcpClient()) client.Connect("127.0.0.1", port);

        broker.Dispose();

        using var after = new TcpClient();
        Assert.Throws<SocketException>(() => after.Connect("127.0.0.1", port));
        Assert.Throws<ObjectDisposedException>(() => broker.CreateTopic("late", 1));
    }
}
