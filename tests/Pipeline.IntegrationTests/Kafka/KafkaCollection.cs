using Pipeline.Testing.Kafka;
using Pipeline.Testing.Storage;

namespace Pipeline.IntegrationTests.Kafka;

/// <summary>Kafka tests share one embedded broker and, for the end-to-end tests, one PostgreSQL server of their own
/// (the store outage test stops it, so it must not be the storage tests' server). They run alone, not beside other
/// collections: the outage and broker-down tests wait on real recovery, which a 2-core runner loaded by the durable and ML
/// tests stretched past their limits (seen at load averages of 30–65).</summary>
[CollectionDefinition(KafkaFixture.Collection, DisableParallelization = true)]
public sealed class KafkaCollection : ICollectionFixture<KafkaFixture>, ICollectionFixture<PostgresFixture>;
