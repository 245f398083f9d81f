namespace Pipeline.Ingestion.Consumer;

/// <summary>Splits a batch for concurrent writing without ever putting one partition's messages in two slices.</summary>
internal static class PartitionSlicer
{
    /// <summary>
    /// Up to <paramref name="slices"/> lists whose partitions are disjoint, balanced by message count (largest partition
    /// first into the smallest slice). Messages keep their relative order inside each partition.
    /// </summary>
    public static List<List<T>> Split<T, TPartition>(List<T> items, Func<T, TPartition> partitionOf, int slices)
        where TPartition : notnull
    {
        if (slices <= 1 || items.Count < 2) return [items];
        var byPartition = new Dictionary<TPartition, List<T>>();
        foreach (var item in items)
        {
            var p = partitionOf(item);
            if (!byPartition.TryGetValue(p, out var list)) byPartition[p] = list = [];
            list.Add(item);
        }
        if (byPartition.Count == 1) return [items];
        var result = Enumerable.Range(0, Math.Min(slices, byPartition.Count)).Select(_ => new List<T>()).ToList();
        foreach (var part in byPartition.Values.OrderByDescending(l => l.Count))
        {
            result.MinBy(r => r.Count)!.AddRange(part);
        }
        return result;
    }
}
