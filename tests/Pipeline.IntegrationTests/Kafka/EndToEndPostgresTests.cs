using Confluent.Kafka;
using Pipeline.Domain;
using Pipeline.Ingestion.Consumer;
using Pipeline.Storage;
using Pipeline.Storage.Events;
using Pipeline.Storage.Postgres;
using Pipeline.Testing.Kafka;
using Pipeline.Testing.Storage;

namespace Pipeline.IntegrationTests.Kafka;

/// <summary>
/// The whole consumer path with nothing simulated: <c>KafkaEventPublisher</c> → embedded Kafka broker (real protocol) →
/// <see cref="EventConsumerService"/> → <see cref="EventSink"/> → <see cref="PostgresStore"/> on a real PostgreSQL.
/// Each test counts rows in <c>events</c>.
/// </summary>
[Collection(KafkaFixture.Collection)]
public sealed class EndToEndPostgresTests(KafkaFixture kafka, PostgresFixture postgres) : IAsyncLifetime
{
    private readonly List<PostgresStore> _stores = [];

    private async Task<PostgresStore> NewStoreAsync()
    {
        var store = await postgres.CreateStoreAsync("e2e");
        _stores.Add(store);
        await StoreSchema.EnsureAsync(store);
        return store;
    }

    private static long Rows(IDocumentStore store) => store.CountAsync(Collections.Events).GetAwaiter().GetResult();

    [Fact]
    public async Task N_events_in_gives_exactly_N_rows_in_events()
    {
        var store = await NewStoreAsync();
        var options = kafka.NewTopics("e2e-n");
        await using var pipeline = kafka.CreatePipeline(options, new EventSink(store));
        var events = TestEvents.Generate(2_000, firstId: 1_100_000);

        await pipeline.StartConsumerAsync();
        await pipeline.Publisher.PublishAsync(events);
        await pipeline.Publisher.PublishAsync(events.Take(300).ToList()); // redelivery of a slice: still stored once
        await Wait.UntilAsync(() => pipeline.Status.Snapshot().Stored + pipeline.Status.Snapshot().Duplicates == 2_300, "every message is consumed", 120);
        await pipeline.StopConsumerAsync();

        Assert.Equal(events.Count, Rows(store));
        var sample = await store.GetAsync(Collections.Events, events[123].Id);
        Assert.NotNull(sample);
        Assert.Equal(events[123].Repo, sample["repo"]!.GetValue<string>());
        Assert.True(await store.CountAsync(Collections.Repositories) > 0, "projections ran");
        var status = pipeline.Status.Snapshot();
        Assert.Equal(events.Count, status.Stored);
        Assert.Equal(300, status.Duplicates);
        Assert.Equal(0, status.DeadLettered);
    }

    [Fact]
    public async Task Consumer_killed_after_the_write_but_before_the_commit_still_gives_exactly_N_rows()
    {
        var store = await NewStoreAsync();
        var options = kafka.NewTopics("e2e-killed");
        var sink = new KillAfterWriteSink(new EventSink(store), killOnWrite: 3);
        await using var pipeline = kafka.CreatePipeline(options, sink);
        var events = TestEvents.Generate(1_500, firstId: 1_200_000);
        await pipeline.Publisher.PublishAsync(events);

        await pipeline.StartConsumerAsync();
        await Wait.UntilAsync(() => sink.Killed, "the third batch is written and the consumer is stuck before committing it");
        await pipeline.StopConsumerAsync();
        var rowsAtKill = Rows(store);
        Assert.InRange(rowsAtKill, 1, events.Count - 1);

        await pipeline.StartConsumerAsync();
        await Wait.UntilAsync(() => Rows(store) == events.Count, "every event is stored after the restart", 120);
        await Task.Delay(500);
        await pipeline.StopConsumerAsync();

        Assert.Equal(events.Count, Rows(store));
        Assert.True(pipeline.Status.Snapshot().Duplicates > 0, "the uncommitted batch was delivered again and recognised as stored");
    }

    [Fact]
    public async Task PostgreSQL_down_pauses_the_consumer_and_it_resumes_without_loss()
    {
        var store = await NewStoreAsync();
        var options = kafka.NewTopics("e2e-store-down");
        await using var pipeline = kafka.CreatePipeline(options, new EventSink(store));
        var first = TestEvents.Generate(500, firstId: 1_300_000);
        var second = TestEvents.Generate(800, firstId: 1_310_000, seed: 11);

        await pipeline.StartConsumerAsync();
        await pipeline.Publisher.PublishAsync(first);
        await Wait.UntilAsync(() => Rows(store) == first.Count, "the first events are stored", 120);

        await postgres.StopServerAsync();
        try
        {
            await pipeline.Publisher.PublishAsync(second);
            await Wait.UntilAsync(() => pipeline.Status.Snapshot().State == ConsumerState.PausedStoreUnavailable, "the consumer pauses for the outage", 120);
            await Task.Delay(1_000); // stays paused, keeps retrying
            Assert.Equal(ConsumerState.PausedStoreUnavailable, pipeline.Status.Snapshot().State);
        }
        finally
        {
            await postgres.StartServerAsync();
        }

        // On a timeout, say where the consumer is stuck: its state and counters, what the store holds, its last log lines.
        await Wait.UntilAsync(() => pipeline.Status.Snapshot().State == ConsumerState.Running && Rows(store) == first.Count + second.Count,
            "every event is stored after PostgreSQL is back", 120,
            () => $"consumer {pipeline.Status.Snapshot()}; rows {Rows(store)}; consumer log:{Environment.NewLine}{pipeline.ConsumerLog}");
        await pipeline.StopConsumerAsync();
        Assert.Equal(first.Count + second.Count, Rows(store));
        Assert.Equal(0, pipeline.Status.Snapshot().DeadLettered);
        Assert.True(pipeline.Status.Snapshot().StoreOutages >= 1);
    }

    [Fact]
    public async Task Broker_down_and_a_poison_message_lose_nothing_and_store_nothing_twice()
    {
        var store = await NewStoreAsync();
        var options = kafka.NewTopics("e2e-broker-down");
        await using var pipeline = kafka.CreatePipeline(options, new EventSink(store));
        var events = TestEvents.Generate(1_000, firstId: 1_400_000);

        await pipeline.StartConsumerAsync();
        await pipeline.Publisher.PublishAsync(events.Take(400).ToList());
        using (var raw = new ProducerBuilder<byte[]?, byte[]?>(pipeline.Configs.CreateProducerConfig("raw")).Build())
        {
            await raw.ProduceAsync(options.Topic, new Message<byte[]?, byte[]?> { Key = "org/x"u8.ToArray(), Value = "{not json"u8.ToArray() });
        }
        kafka.Broker.SetBrokerDown();
        Task publishing;
        try
        {
            publishing = pipeline.Publisher.PublishAsync(events.Skip(400).ToList());
            await Task.Delay(3_000);
        }
        finally
        {
            kafka.Broker.SetBrokerUp();
        }
        await publishing;
        await Wait.UntilAsync(() => Rows(store) == events.Count && pipeline.Status.Snapshot().DeadLettered == 1, "every event stored, the poison dead-lettered", 120);
        await pipeline.StopConsumerAsync();

        Assert.Equal(events.Count, Rows(store));
        var dlq = kafka.ReadAll(options.DeadLetterTopic, 1, TimeSpan.FromSeconds(20));
        Assert.Equal("{not json", System.Text.Encoding.UTF8.GetString(Assert.Single(dlq).Message.Value!));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var s in _stores) await s.DisposeAsync();
    }

    /// <summary>Lets the real sink write the Nth batch, then never returns: the batch is in PostgreSQL but its offsets
    /// are never committed, the worst moment for a consumer to die.</summary>
    private sealed class KillAfterWriteSink(IEventSink inner, int killOnWrite) : IEventSink
    {
        private int _writes;
        private volatile bool _killed;

        public bool Killed => _killed;

        public async Task<int> WriteAsync(IReadOnlyList<GitHubEvent> events, CancellationToken ct = default)
        {
            var fresh = await inner.WriteAsync(events, ct);
            if (Interlocked.Increment(ref _writes) == killOnWrite)
            {
                _killed = true;
                await Task.Delay(Timeout.Infinite, ct);
            }
            return fresh;
        }
    }
}
