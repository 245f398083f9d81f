using Pipeline.Testing.Kafka;

namespace Pipeline.IntegrationTests.Kafka;

[Collection(KafkaFixture.Collection)]
public sealed class RebalanceTests(KafkaFixture kafka)
{
    [Fact]
    public async Task Two_consumers_share_the_partitions_and_one_leaving_mid_stream_loses_nothing()
    {
        var options = kafka.NewTopics("rebalance", partitions: 8);
        var sink = new RecordingEventSink();
        await using var a = kafka.CreatePipeline(options, sink);
        await using var b = kafka.CreatePipeline(options, sink);
        var events = TestEvents.Generate(4_000, firstId: 900_000);

        await a.StartConsumerAsync();
        await b.StartConsumerAsync();
        await Wait.UntilAsync(() => a.Status.Snapshot().AssignedPartitions > 0 && b.Status.Snapshot().AssignedPartitions > 0,
            "both consumers own partitions");
        Assert.Equal(8, a.Status.Snapshot().AssignedPartitions + b.Status.Snapshot().AssignedPartitions);

        var publishing = Task.Run(async () =>
        {
            foreach (var chunk in events.Chunk(250))
            {
                await a.Publisher.PublishAsync(chunk);
                await Task.Delay(20);
            }
        });
        await Wait.UntilAsync(() => sink.Count > 1_000, "consumption is under way");
        await b.StopConsumerAsync(); // leaves the group: its partitions move to consumer a
        await publishing;

        await Wait.UntilAsync(() => sink.Count == events.Count, "every event is stored after the rebalance", 90);
        await Wait.UntilAsync(() => a.Status.Snapshot().AssignedPartitions == 8, "the remaining consumer owns every partition");
        await a.StopConsumerAsync();
        Assert.Equal(events.Select(e => e.Id).Order(), sink.Events.Keys.Order());
        Assert.True(b.Status.Snapshot().Stored > 0, "the second consumer did part of the work before leaving");
    }
}
