using Pipeline.Testing.Kafka;

namespace Pipeline.IntegrationTests.Kafka;

[CollectionDefinition(KafkaFixture.Collection)]
public sealed class KafkaCollection : ICollectionFixture<KafkaFixture>;
