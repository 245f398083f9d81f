using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Pipeline.Ingestion.Kafka;
using Pipeline.Testing.Kafka;

namespace Pipeline.IntegrationTests.Kafka;

[Collection(KafkaFixture.Collection)]
public sealed class KafkaPublisherTests(KafkaFixture kafka)
{
    [Fact]
    public async Task Published_events_arrive_keyed_by_repo_with_headers_and_raw_json_payload()
    {
        var options = kafka.NewTopics("publish");
        var events = TestEvents.Generate(300, firstId: 1_000);
        await using var pipeline = kafka.CreatePipeline(options, new RecordingEventSink());

        await pipeline.Publisher.PublishAsync(events);

        var read = kafka.ReadAll(options.Topic, events.Count, TimeSpan.FromSeconds(30));
        Assert.Equal(events.Count, read.Count);
        var byId = events.ToDictionary(e => e.Id);
        foreach (var r in read)
        {
            var e = GitHubEventSerializer.Deserialize(r.Message.Value);
            var original = byId[e.Id];
            Assert.Equal(original.Repo, Encoding.UTF8.GetString(r.Message.Key!));
            Assert.Equal(original.Type, Header(r, KafkaHeaders.EventType));
            Assert.Equal(original.Source, Header(r, KafkaHeaders.Source));
            Assert.Equal(original.Id, Header(r, KafkaHeaders.EventId));
            Assert.Equal(original.CreatedAt, e.CreatedAt);
            Assert.Equal(original.Action, e.Action);
            Assert.Equal(JsonSerializer.Serialize(original.Payload), JsonSerializer.Serialize(e.Payload));
            // The payload is embedded as a JSON object, not as an escaped string.
            using var doc = JsonDocument.Parse(r.Message.Value);
            Assert.Equal(JsonValueKind.Object, doc.RootElement.GetProperty("payload").ValueKind);
        }
        Assert.Equal(events.Count, read.Select(r => Header(r, KafkaHeaders.EventId)).Distinct().Count());
        // Same repo → same partition (per-repo ordering).
        Assert.All(read.GroupBy(r => Encoding.UTF8.GetString(r.Message.Key!)), g => Assert.Single(g.Select(r => r.Partition.Value).Distinct()));
    }

    [Fact]
    public async Task Publish_fails_with_the_event_ids_when_the_broker_rejects_them()
    {
        var options = kafka.NewTopics("publish-fail");
        options.ProducerDeliveryTimeoutMs = 2_000;
        await using var pipeline = kafka.CreatePipeline(options, new RecordingEventSink());
        var events = TestEvents.Generate(5, firstId: 9_000);
        // Warm up (metadata, producer id) so the failure below is about delivery, not start-up.
        await pipeline.Publisher.PublishAsync(TestEvents.Generate(1, firstId: 8_999));

        kafka.Broker.SetBrokerDown();
        try
        {
            var ex = await Assert.ThrowsAsync<EventPublishException>(() => pipeline.Publisher.PublishAsync(events));
            Assert.Equal(events.Select(e => e.Id).Order(), ex.FailedEventIds.Order());
            Assert.Contains($"first failing event id '{ex.FailedEventIds[0]}'", ex.Message);
        }
        finally
        {
            kafka.Broker.SetBrokerUp();
        }
    }

    private static string Header(ConsumeResult<byte[]?, byte[]?> r, string name) =>
        Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes(name));
}
