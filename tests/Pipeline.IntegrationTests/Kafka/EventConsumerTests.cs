using System.Text;
using Confluent.Kafka;
using Pipeline.Ingestion.Consumer;
using Pipeline.Ingestion.Kafka;
using Pipeline.Testing.Kafka;

namespace Pipeline.IntegrationTests.Kafka;

/// <summary>The hosted consumer against the real Kafka protocol (embedded mock broker), with a dictionary-backed sink
/// that has the real sink's insert-if-absent contract and can simulate outages, poison events and a kill mid-batch.</summary>
[Collection(KafkaFixture.Collection)]
public sealed class EventConsumerTests(KafkaFixture kafka)
{
    /// <summary>While the store is down the consumer polls with every partition paused, for whatever is left of its
    /// back-off. When that had run out by 1–2 ms, Confluent truncated it to -1 ms, librdkafka's "wait forever", and the
    /// consumer never resumed. On the real librdkafka: such a poll returns at once.</summary>
    [Fact]
    public async Task A_paused_consumer_polled_with_a_wait_that_has_run_out_returns_at_once()
    {
        var options = kafka.NewTopics("poll-run-out", partitions: 1);
        LibrdkafkaLoader.EnsureLoaded();
        var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = kafka.BootstrapServers,
            GroupId = "poll-run-out-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
        }).SetLogHandler((_, _) => { }).Build();
        var partition = new TopicPartition(options.Topic, 0);
        consumer.Assign(partition);
        consumer.Pause([partition]);

        var poll = Task.Run(() => consumer.Consume(EventConsumerService.PollTimeout(TimeSpan.FromTicks(-15_000)))); // -1.5 ms
        var first = await Task.WhenAny(poll, Task.Delay(TimeSpan.FromSeconds(10)));

        // Disposed only when the poll returned: disposing a consumer another thread is blocked in is not safe.
        Assert.True(first == poll, "a poll whose wait had run out was still blocked after 10 s");
        Assert.Null(await poll);
        consumer.Close();
        consumer.Dispose();
    }

    [Fact]
    public async Task N_events_in_gives_exactly_N_stored_and_offsets_committed()
    {
        var options = kafka.NewTopics("n-in-n-out");
        var sink = new RecordingEventSink();
        await using var pipeline = kafka.CreatePipeline(options, sink);
        var events = TestEvents.Generate(3_000, firstId: 100_000);

        await pipeline.StartConsumerAsync();
        await pipeline.Publisher.PublishAsync(events);
        await Wait.UntilAsync(() => sink.Count == events.Count, $"{events.Count} events are stored");
        await Wait.UntilAsync(() => pipeline.Status.Snapshot().Stored == events.Count, "the status counts every stored event");
        await pipeline.StopConsumerAsync();

        Assert.Equal(events.Select(e => e.Id).Order(), sink.Events.Keys.Order());
        var status = pipeline.Status.Snapshot();
        Assert.Equal(0, status.DeadLettered);
        Assert.NotNull(status.LastBatchAt);

        // Everything was committed: a new consumer in the same group finds nothing left to read.
        await AssertNothingLeftToReadAsync(options);
    }

    /// <summary>With one write in flight, the consumer collects (and deserialises) the next batch while the store
    /// writes the current one, yet starts no second write before the first is stored: a partition is written in offset
    /// order and nothing is committed before it is stored. The serial loop collects nothing while a write is held.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_next_batch_is_collected_while_a_write_is_in_flight_and_each_repository_stays_in_order(bool overlap)
    {
        var options = kafka.NewTopics(overlap ? "overlap" : "serial", partitions: 4);
        options.ConsumerMaxParallelWrites = 1;
        options.ConsumerBatchSize = 100;
        options.ConsumerOverlapWrites = overlap;
        var sink = new RecordingEventSink();
        await using var pipeline = kafka.CreatePipeline(options, sink);
        var events = TestEvents.Generate(1_000, firstId: 150_000, repos: 20);
        await pipeline.Publisher.PublishAsync(events);
        sink.Hold();

        await pipeline.StartConsumerAsync();
        await Wait.UntilAsync(() => sink.CallsStarted == 1, "the first write is in the sink");
        if (overlap)
        {
            await Wait.UntilAsync(() => pipeline.Status.Snapshot().Consumed >= 2 * options.ConsumerBatchSize,
                "the next batch is collected while the first write is held");
        }
        else
        {
            await Task.Delay(1_000);
            Assert.Equal(options.ConsumerBatchSize, pipeline.Status.Snapshot().Consumed);
        }
        Assert.Equal(1, sink.CallsStarted); // no second write while the first is in flight
        Assert.Equal(0, sink.Count);
        Assert.Equal(0, pipeline.Status.Snapshot().Stored);

        sink.Release();
        await Wait.UntilAsync(() => sink.Count == events.Count, $"{events.Count} events are stored");
        await Wait.UntilAsync(() => pipeline.Status.Snapshot().Stored == events.Count, "the status counts every stored event");
        await pipeline.StopConsumerAsync();

        Assert.Equal(1, sink.MaxConcurrentCalls);
        Assert.All(sink.WritesPerId.Values, n => Assert.Equal(1, n));
        // Each repository's events (one partition each) were stored in the order they were published.
        var position = sink.StoredOrder.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
        foreach (var repo in events.GroupBy(e => e.Repo))
        {
            var order = repo.Select(e => position[e.Id]).ToList();
            Assert.Equal(order.Order(), order);
        }

        // Every offset was committed after its write: a new consumer in the group finds nothing left.
        await AssertNothingLeftToReadAsync(options);
    }

    /// <summary>The store goes down while batches are flowing (a write in flight and the next batch collected): the
    /// overlapped write falls back to the paused outage handling, and after the store is back every event is stored
    /// once and consumption runs again.</summary>
    [Fact]
    public async Task A_store_outage_in_the_middle_of_the_stream_loses_nothing_and_stores_each_event_once()
    {
        var options = kafka.NewTopics("store-down-mid");
        var sink = new RecordingEventSink();
        await using var pipeline = kafka.CreatePipeline(options, sink);
        var events = TestEvents.Generate(3_000, firstId: 160_000);

        await pipeline.StartConsumerAsync();
        await pipeline.Publisher.PublishAsync(events.GetRange(0, 1_000));
        await Wait.UntilAsync(() => sink.Count == 1_000, "the first part is stored");
        var callsBefore = sink.CallsStarted;
        sink.Hold(); // the next write is in flight when the store goes down
        var publishing = pipeline.Publisher.PublishAsync(events.GetRange(1_000, 2_000));
        await Wait.UntilAsync(() => sink.CallsStarted > callsBefore && pipeline.Status.Snapshot().Consumed > 1_000 + options.ConsumerBatchSize,
            "a write is held and the next batch is collected");
        sink.Unavailable = true;
        sink.Release(); // the held write now fails as an outage
        await Wait.UntilAsync(() => pipeline.Status.Snapshot().State == ConsumerState.PausedStoreUnavailable, "the consumer pauses");
        await Wait.UntilAsync(() => sink.OutageFailures >= 3, "the consumer retried during the outage");
        await publishing;
        sink.Unavailable = false;

        await Wait.UntilAsync(() => sink.Count == events.Count, "every event is stored after the store is back");
        await Wait.UntilAsync(() => pipeline.Status.Snapshot().State == ConsumerState.Running, "the consumer is running again");
        await pipeline.StopConsumerAsync();
        Assert.Equal(events.Select(e => e.Id).Order(), sink.Events.Keys.Order());
        Assert.Equal(0, pipeline.Status.Snapshot().DeadLettered);
    }

    [Fact]
    public async Task Consumer_killed_mid_batch_and_restarted_still_stores_exactly_N()
    {
        var options = kafka.NewTopics("killed");
        var sink = new RecordingEventSink();
        await using var pipeline = kafka.CreatePipeline(options, sink);
        var events = TestEvents.Generate(2_000, firstId: 200_000);
        await pipeline.Publisher.PublishAsync(events);
        sink.HangAfterWrites(3); // the 4th write stores half its batch, then never returns

        await pipeline.StartConsumerAsync();
        await Wait.UntilAsync(() => sink.Count > 0 && pipeline.Status.Snapshot().Stored > 0, "some batches are written");
        await Task.Delay(300);
        var storedBeforeKill = sink.Count;
        await pipeline.StopConsumerAsync(); // cancelled inside the hanging write: that batch is never committed
        Assert.True(storedBeforeKill < events.Count, "the kill happened before everything was stored");

        await pipeline.StartConsumerAsync();
        await Wait.UntilAsync(() => sink.Count == events.Count, "every event is stored after the restart");
        await Task.Delay(500);
        await pipeline.StopConsumerAsync();

        Assert.Equal(events.Count, sink.Count);
        // The half-written batch was delivered again (re-delivery, not loss) and still stored once.
        Assert.Contains(sink.WritesPerId.Values, n => n > 1);
    }

    [Fact]
    public async Task Broker_down_for_seconds_loses_nothing()
    {
        var options = kafka.NewTopics("broker-down");
        var sink = new RecordingEventSink();
        await using var pipeline = kafka.CreatePipeline(options, sink);
        var first = TestEvents.Generate(500, firstId: 300_000);
        var second = TestEvents.Generate(500, firstId: 310_000, seed: 7);

        await pipeline.StartConsumerAsync();
        await pipeline.Publisher.PublishAsync(first);
        await Wait.UntilAsync(() => sink.Count == first.Count, "the first half is stored");

        kafka.Broker.SetBrokerDown();
        Task publishing;
        try
        {
            publishing = pipeline.Publisher.PublishAsync(second); // queued locally, retried by librdkafka
            await Task.Delay(3_000);
            Assert.False(publishing.IsCompleted, "nothing can be acknowledged while the broker is down");
        }
        finally
        {
            kafka.Broker.SetBrokerUp();
        }
        await publishing;
        await Wait.UntilAsync(() => sink.Count == first.Count + second.Count, "every event is stored after the broker is back", 90);
        await pipeline.StopConsumerAsync();
        Assert.Equal(first.Concat(second).Select(e => e.Id).Order(), sink.Events.Keys.Order());
    }

    [Fact]
    public async Task Store_outage_pauses_consumption_and_resumes_without_loss()
    {
        var options = kafka.NewTopics("store-down");
        var sink = new RecordingEventSink { Unavailable = true };
        await using var pipeline = kafka.CreatePipeline(options, sink);
        var events = TestEvents.Generate(1_000, firstId: 400_000);
        await pipeline.Publisher.PublishAsync(events);

        await pipeline.StartConsumerAsync();
        await Wait.UntilAsync(() => sink.OutageFailures >= 4, "the consumer retried the batch during the outage", 150);
        var during = pipeline.Status.Snapshot();
        Assert.Equal(ConsumerState.PausedStoreUnavailable, during.State);
        Assert.Equal(0, sink.Count);
        Assert.Equal(1, during.StoreOutages);

        sink.Unavailable = false;
        await Wait.UntilAsync(() => sink.Count == events.Count, "every event is stored after the store is back");
        await Wait.UntilAsync(() => pipeline.Status.Snapshot().State == ConsumerState.Running, "the consumer is running again");
        await pipeline.StopConsumerAsync();

        Assert.Equal(events.Select(e => e.Id).Order(), sink.Events.Keys.Order());
        Assert.Equal(0, pipeline.Status.Snapshot().DeadLettered);
    }

    [Fact]
    public async Task Poison_messages_go_to_the_DLQ_with_the_error_and_consumption_continues()
    {
        var options = kafka.NewTopics("poison");
        options.MaxDeliveryAttempts = 3;
        var sink = new RecordingEventSink();
        await using var pipeline = kafka.CreatePipeline(options, sink);
        var good = TestEvents.Generate(400, firstId: 500_000);
        var rejected = good[137];
        sink.PoisonIds[rejected.Id] = true;

        // Garbage bytes and a JSON document that is not an event, produced raw next to real events.
        var producer = new ProducerBuilder<byte[]?, byte[]?>(pipeline.Configs.CreateProducerConfig("raw")).Build();
        using (producer)
        {
            await producer.ProduceAsync(options.Topic, new Message<byte[]?, byte[]?> { Key = "org/x"u8.ToArray(), Value = [0xff, 0x00, 0x13, 0x37] });
            await producer.ProduceAsync(options.Topic, new Message<byte[]?, byte[]?> { Key = "org/x"u8.ToArray(), Value = """{"hello":"world"}"""u8.ToArray() });
        }
        await pipeline.Publisher.PublishAsync(good);
        await pipeline.StartConsumerAsync();

        await Wait.UntilAsync(() => sink.Count == good.Count - 1, "every good event is stored");
        var dlq = kafka.ReadAll(options.DeadLetterTopic, 3, TimeSpan.FromSeconds(30));
        Assert.Equal(3, dlq.Count);
        foreach (var d in dlq)
        {
            Assert.False(string.IsNullOrWhiteSpace(Header(d, KafkaHeaders.DlqError)));
            Assert.Equal(options.Topic, Header(d, KafkaHeaders.DlqOriginalTopic));
            Assert.True(long.Parse(Header(d, KafkaHeaders.DlqOriginalOffset)) >= 0);
            Assert.True(int.Parse(Header(d, KafkaHeaders.DlqOriginalPartition)) >= 0);
        }
        var garbage = Assert.Single(dlq, d => d.Message.Value!.SequenceEqual(new byte[] { 0xff, 0x00, 0x13, 0x37 }));
        Assert.Contains("not a GitHubEvent", Header(garbage, KafkaHeaders.DlqError));
        var notAnEvent = Assert.Single(dlq, d => Encoding.UTF8.GetString(d.Message.Value!) == """{"hello":"world"}""");
        Assert.Contains("missing required field(s): id, type, repo, source, createdAt, payload", Header(notAnEvent, KafkaHeaders.DlqError));
        var refused = Assert.Single(dlq, d => d.Message.Headers.TryGetLastBytes(KafkaHeaders.EventId, out var id) && Encoding.UTF8.GetString(id) == rejected.Id);
        Assert.Contains("simulated permanent rejection", Header(refused, KafkaHeaders.DlqError));
        Assert.Equal("3", Header(refused, KafkaHeaders.DlqAttempts));
        Assert.False(sink.Events.ContainsKey(rejected.Id));

        // Consumption continues after the poison.
        var later = TestEvents.Generate(50, firstId: 510_000, seed: 3);
        await pipeline.Publisher.PublishAsync(later);
        await Wait.UntilAsync(() => sink.Count == good.Count - 1 + later.Count, "events after the poison are stored");
        await pipeline.StopConsumerAsync();
        Assert.Equal(3, pipeline.Status.Snapshot().DeadLettered);
    }

    [Fact]
    public async Task The_same_event_published_twice_is_stored_once()
    {
        var options = kafka.NewTopics("dupes");
        var sink = new RecordingEventSink();
        await using var pipeline = kafka.CreatePipeline(options, sink);
        var events = TestEvents.Generate(300, firstId: 600_000);

        await pipeline.Publisher.PublishAsync(events);
        await pipeline.Publisher.PublishAsync(events);
        await pipeline.StartConsumerAsync();
        await Wait.UntilAsync(() => pipeline.Status.Snapshot().Stored + pipeline.Status.Snapshot().Duplicates == 2 * events.Count, "both copies are consumed");
        await pipeline.StopConsumerAsync();

        Assert.Equal(events.Count, sink.Count);
        Assert.All(events, e => Assert.Equal(2, sink.WritesPerId[e.Id]));
        var status = pipeline.Status.Snapshot();
        Assert.Equal(events.Count, status.Stored);
        Assert.Equal(events.Count, status.Duplicates);
    }

    private static string Header(ConsumeResult<byte[]?, byte[]?> r, string name) =>
        Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes(name));

    /// <summary>A new consumer in the same group is assigned and reads nothing: every offset was committed.</summary>
    private async Task AssertNothingLeftToReadAsync(KafkaOptions options)
    {
        var second = new RecordingEventSink();
        await using var again = kafka.CreatePipeline(options, second);
        await again.StartConsumerAsync();
        await Wait.UntilAsync(() => again.Status.Snapshot().AssignedPartitions > 0, "the second consumer is assigned");
        await Task.Delay(1_000);
        await again.StopConsumerAsync();
        Assert.Equal(0, second.Count);
    }
}
