using System.Text;
using Confluent.Kafka;
using Pipeline.Ingestion.Kafka;
using Pipeline.Testing.Kafka;

namespace Pipeline.IntegrationTests.Kafka;

/// <summary>
/// Exactly-once effect end to end. The mock broker checks producer sequence numbers only for transactional producers,
/// so this uses one: produce requests fail transiently (retried by the client with the same sequence numbers), and the
/// log and the store must still hold every event exactly once, in per-key order.
/// (Aborted transactions are not tested: the mock broker does not filter aborted records for read_committed readers.)
/// </summary>
[Collection(KafkaFixture.Collection)]
public sealed class ExactlyOnceTests(KafkaFixture kafka)
{
    private const short ProduceApi = 0;

    [Fact]
    public async Task Transactional_producer_with_retried_produce_errors_gives_each_event_exactly_once()
    {
        var options = kafka.NewTopics("exactly-once", partitions: 4);
        var sink = new RecordingEventSink();
        await using var pipeline = kafka.CreatePipeline(options, sink);
        var committed = TestEvents.Generate(1_000, firstId: 700_000);

        var config = pipeline.Configs.CreateProducerConfig("tx");
        config.TransactionalId = "pipeline-test-tx-" + Guid.NewGuid().ToString("N");
        config.MaxInFlight = 1;
        config.LingerMs = 0;
        config.BatchNumMessages = 50;
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(config).SetLogHandler((_, _) => { }).Build();
        producer.InitTransactions(TimeSpan.FromSeconds(30));

        // Retriable broker errors on produce: the client retries the same batches with the same sequence numbers.
        kafka.Broker.PushRequestErrors(ProduceApi,
            ErrorCode.NotEnoughReplicas, ErrorCode.RequestTimedOut, ErrorCode.NotEnoughReplicasAfterAppend,
            ErrorCode.NotEnoughReplicas, ErrorCode.RequestTimedOut);

        producer.BeginTransaction();
        foreach (var e in committed) producer.Produce(options.Topic, KafkaEventPublisher.ToMessage(e));
        producer.CommitTransaction(TimeSpan.FromSeconds(60));
        kafka.Broker.ClearRequestErrors(ProduceApi);

        // The log holds each event exactly once, in per-key order.
        var read = kafka.ReadAll(options.Topic, committed.Count + 1, TimeSpan.FromSeconds(5));
        var ids = read.Select(r => Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes(KafkaHeaders.EventId))).ToList();
        Assert.Equal(committed.Count, read.Count);
        Assert.Equal(committed.Select(e => e.Id).Order(), ids.Order());
        foreach (var byKey in read.GroupBy(r => Encoding.UTF8.GetString(r.Message.Key!)))
        {
            var offsets = byKey.OrderBy(r => r.Offset.Value).Select(r => long.Parse(Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes(KafkaHeaders.EventId)))).ToList();
            Assert.Equal(offsets.Order(), offsets); // produced in id order per key, so log order must match
        }

        // And through the consumer into the store: exactly N, each written once.
        await pipeline.StartConsumerAsync();
        await Wait.UntilAsync(() => sink.Count >= committed.Count, "every committed event is stored");
        await Task.Delay(500);
        await pipeline.StopConsumerAsync();
        Assert.Equal(committed.Count, sink.Count);
        Assert.All(sink.WritesPerId.Values, n => Assert.Equal(1, n));
    }
}
