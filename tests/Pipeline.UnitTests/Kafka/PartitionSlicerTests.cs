using Pipeline.Ingestion.Consumer;

namespace Pipeline.UnitTests.Kafka;

public sealed class PartitionSlicerTests
{
    [Fact]
    public void Slices_never_share_a_partition_keep_order_and_lose_nothing()
    {
        var rnd = new Random(5);
        var items = Enumerable.Range(0, 1_000).Select(i => (Partition: rnd.Next(13), Seq: i)).ToList();

        var slices = PartitionSlicer.Split(items, x => x.Partition, 4);

        Assert.Equal(4, slices.Count);
        Assert.Equal(items.Count, slices.Sum(s => s.Count));
        Assert.Equal(items.Order(), slices.SelectMany(s => s).Order());
        var owner = new Dictionary<int, int>();
        for (var i = 0; i < slices.Count; i++)
        {
            foreach (var (partition, _) in slices[i])
            {
                Assert.Equal(i, owner.TryAdd(partition, i) ? i : owner[partition]);
            }
            foreach (var group in slices[i].GroupBy(x => x.Partition))
            {
                Assert.Equal(group.Select(x => x.Seq).Order(), group.Select(x => x.Seq));
            }
        }
        // Balanced: no slice more than one partition's worth above the smallest.
        var largestPartition = items.GroupBy(x => x.Partition).Max(g => g.Count());
        Assert.True(slices.Max(s => s.Count) - slices.Min(s => s.Count) <= largestPartition);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    public void One_slice_or_one_partition_returns_the_batch_itself(int slices)
    {
        var items = Enumerable.Range(0, 10).Select(i => (Partition: slices == 1 ? i % 3 : 0, Seq: i)).ToList();
        var result = PartitionSlicer.Split(items, x => x.Partition, slices);
        Assert.Same(items, Assert.Single(result));
    }

    [Fact]
    public void Never_more_slices_than_partitions()
    {
        var items = Enumerable.Range(0, 10).Select(i => (Partition: i % 2, Seq: i)).ToList();
        Assert.Equal(2, PartitionSlicer.Split(items, x => x.Partition, 8).Count);
    }
}
