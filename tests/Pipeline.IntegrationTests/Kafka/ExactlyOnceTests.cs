using System.Text;
using Confluent.Kafka;
using Pipeline.Domain;
using Pipeline.Ingestion.Kafka;
using Pipeline.Storage;
using Pipeline.Storage.Events;
using Pipeline.Testing.Kafka;
using Pipeline.Testing.Storage;

namespace Pipeline.IntegrationTests.Kafka;

/// <summary>
/// Exactly-once effect end to end with what production runs: the production publisher (<see cref="KafkaEventPublisher"/>
/// on <see cref="ClientConfigFactory.CreateProducerConfig"/>: idempotent, acks=all, not transactional) while the broker
/// fails produce requests transiently (the client retries the same batches), then the consumer and the real
/// <see cref="EventSink"/> on PostgreSQL. The log may hold a retried batch twice (the mock broker checks sequence numbers
/// only for transactional producers); the store must hold every event exactly once, and each key's events in order.
/// </summary>
[Collection(KafkaFixture.Collection)]
public sealed class ExactlyOnceTests(KafkaFixture kafka, PostgresFixture postgres)
{
    private const short ProduceApi = 0;

    [Fact]
    public async Task Idempotent_production_publisher_with_retried_produce_errors_and_the_real_sink_store_each_event_exactly_once()
    {
        var options = kafka.NewTopics("exactly-once", partitions: 4);
        var store = await postgres.CreateStoreAsync("exactly_once");
        await StoreSchema.EnsureAsync(store);
        await using var pipeline = kafka.CreatePipeline(options, new EventSink(store));
        var config = pipeline.Configs.CreateProducerConfig();
        Assert.True(config.EnableIdempotence);
        Assert.Null(config.TransactionalId);
        var events = TestEvents.Generate(1_000, firstId: 700_000);

        // Retriable broker errors on produce: the client retries the same batches with the same sequence numbers.
        kafka.Broker.PushRequestErrors(ProduceApi,
            ErrorCode.NotEnoughReplicas, ErrorCode.RequestTimedOut, ErrorCode.NotEnoughReplicasAfterAppend,
            ErrorCode.NotEnoughReplicas, ErrorCode.RequestTimedOut);
        try
        {
            await pipeline.Publisher.PublishAsync(events);
        }
        finally
        {
            kafka.Broker.ClearRequestErrors(ProduceApi);
        }

        // Every event reached the log, each key's events in the order they were published.
        var read = kafka.ReadAll(options.Topic, events.Count, TimeSpan.FromSeconds(20));
        var ids = read.Select(r => Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes(KafkaHeaders.EventId))).ToList();
        Assert.Equal(events.Select(e => e.Id).Order(), ids.Distinct().Order());
        foreach (var byKey in read.GroupBy(r => Encoding.UTF8.GetString(r.Message.Key!)))
        {
            var firstSeen = byKey.OrderBy(r => r.Offset.Value)
                .Select(r => long.Parse(Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes(KafkaHeaders.EventId)), System.Globalization.CultureInfo.InvariantCulture))
                .Distinct().ToList();
            Assert.Equal(firstSeen.Order(), firstSeen);
        }

        // Through the consumer into the store: exactly N rows, each event once.
        await pipeline.StartConsumerAsync();
        await Wait.UntilAsync(() => pipeline.Status.Snapshot().Stored + pipeline.Status.Snapshot().Duplicates >= read.Count, "every message is consumed", 120);
        await Task.Delay(500);
        await pipeline.StopConsumerAsync();
        Assert.Equal(events.Count, await store.CountAsync(Collections.Events));
        Assert.Equal(events.Count, pipeline.Status.Snapshot().Stored);
        Assert.Equal(0, pipeline.Status.Snapshot().DeadLettered);
        foreach (var e in events.Where((_, i) => i % 97 == 0)) Assert.NotNull(await store.GetAsync(Collections.Events, e.Id));
    }
}
