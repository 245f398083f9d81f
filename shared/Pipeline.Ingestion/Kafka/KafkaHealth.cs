namespace Pipeline.Ingestion.Kafka;

/// <summary>What <c>/api/health</c> reports for the broker.</summary>
internal sealed record KafkaHealth(bool Healthy, string BootstrapServers, int Brokers, int TopicPartitions, bool DeadLetterTopicExists, string? Error);
