using Pipeline.Testing.Kafka;
using Pipeline.Testing.Storage;

namespace Pipeline.IntegrationTests.Kafka;

/// <summary>Kafka tests share one embedded broker and, for the end-to-end tests, one PostgreSQL server of their own
/// (the store outage test stops it, so it must not be the storage tests' server).</summary>
[CollectionDefinition(KafkaFixture.Collection)]
public sealed class KafkaCollection : ICollectionFixture<KafkaFixture>, ICollectionFixture<PostgresFixture>;
