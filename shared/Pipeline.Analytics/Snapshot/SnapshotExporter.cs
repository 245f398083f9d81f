using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Pipeline.Analytics.Planning;
using Pipeline.Domain;
using Pipeline.Storage;

namespace Pipeline.Analytics.Snapshot;

/// <summary>
/// Exports days of events from the store to Parquet partitions in snapshot storage. Each day is read in pages
/// (one Parquet row group per page) into a temporary file, then uploaded, so memory stays bounded whatever the volume.
/// </summary>
public sealed class SnapshotExporter(IDocumentStore store, ISnapshotStorage storage, ILogger<SnapshotExporter> logger)
{
    public const int PageSize = 5000;

    /// <summary>Exports one day; returns the number of events written (0: no partition is written).</summary>
    public async Task<long> ExportDayAsync(DateOnly day, CancellationToken ct = default)
    {
        var from = Periods.Format(day) + "T00:00:00.000Z";
        var to = Periods.Format(day.AddDays(1)) + "T00:00:00.000Z";
        var query = DocumentQuery.Where(
                new FieldFilter("created_at", FilterOp.Gte, JsonValue.Create(from)),
                new FieldFilter("created_at", FilterOp.Lt, JsonValue.Create(to)))
            .OrderBy("_id")
            .Take(PageSize);
        var temp = Path.Combine(Path.GetTempPath(), $"pipeline-snapshot-{Guid.NewGuid():N}.parquet");
        try
        {
            long rows;
            await using (var file = File.Create(temp))
            {
                await using var writer = await EventParquetWriter.CreateAsync(file, ct);
                var skip = 0;
                while (true)
                {
                    var page = await store.FindAsync(Collections.Events, query with { Skip = skip }, ct);
                    if (page.Count == 0) break;
                    var batch = new List<EventRow>(page.Count);
                    foreach (var doc in page)
                    {
                        try
                        {
                            batch.Add(EventDocumentMapper.FromDocument(doc));
                        }
                        catch (FormatException e)
                        {
                            // A malformed stored event must not stop the analytics of every other one.
                            logger.LogWarning("Skipping event {Id} in snapshot of {Day}: {Reason}", doc["_id"]?.ToString(), day, e.Message);
                        }
                    }
                    await writer.WriteBatchAsync(batch, ct);
                    skip += page.Count;
                    if (page.Count < PageSize) break;
                }
                rows = writer.RowsWritten;
            }
            if (rows > 0)
            {
                await using var read = File.OpenRead(temp);
                await storage.UploadAsync(SnapshotLayout.EventPartition(day), read, ct);
            }
            return rows;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Writes already-flattened rows as the partitions of their days (seed and benchmark paths).</summary>
    public static async Task<int> WriteRowsAsync(ISnapshotStorage storage, IEnumerable<EventRow> rows, CancellationToken ct = default)
    {
        var partitions = 0;
        foreach (var group in rows.GroupBy(r => r.Day).OrderBy(g => g.Key))
        {
            using var buffer = new MemoryStream();
            await using (var writer = await EventParquetWriter.CreateAsync(buffer, ct))
            {
                foreach (var chunk in group.Chunk(PageSize * 10))
                {
                    await writer.WriteBatchAsync(chunk, ct);
                }
            }
            buffer.Position = 0;
            await storage.UploadAsync(SnapshotLayout.EventPartition(group.Key), buffer, ct);
            partitions++;
        }
        return partitions;
    }
}
