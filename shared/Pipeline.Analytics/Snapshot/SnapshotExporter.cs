using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Pipeline.Analytics.Planning;
using Pipeline.Domain;
using Pipeline.Domain.Normalization;
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
    public async Task<long> ExportDayAsync(DateOnly day, CancellationToken ct = default) =>
        (await ExportDaysAsync([day], ct)).Events;

    /// <summary>
    /// Exports the given days. Consecutive days are read as one range, in created_at order with keyset paging (so a full
    /// export is one sequential scan, not a query per day), and split into one partition per day as the rows stream by.
    /// Returns the partitions written and events exported; days without events get no partition.
    /// </summary>
    public async Task<(int Days, long Events)> ExportDaysAsync(IReadOnlyCollection<DateOnly> days, CancellationToken ct = default)
    {
        var written = 0;
        long events = 0;
        foreach (var (first, last) in Ranges(days))
        {
            var (d, e) = await ExportRangeAsync(first, last, ct);
            written += d;
            events += e;
        }
        return (written, events);
    }

    private static IEnumerable<(DateOnly First, DateOnly Last)> Ranges(IEnumerable<DateOnly> days)
    {
        DateOnly? first = null, last = null;
        foreach (var day in days.Distinct().Order())
        {
            if (last is { } l && day == l.AddDays(1))
            {
                last = day;
                continue;
            }
            if (first is not null) yield return (first.Value, last!.Value);
            first = last = day;
        }
        if (first is not null) yield return (first.Value, last!.Value);
    }

    private async Task<(int Days, long Events)> ExportRangeAsync(DateOnly first, DateOnly last, CancellationToken ct)
    {
        var end = Periods.Format(last.AddDays(1)) + "T00:00:00.000Z";
        var cursor = Periods.Format(first) + "T00:00:00.000Z";
        var seenAtCursor = new HashSet<string>(StringComparer.Ordinal);
        var pageSize = PageSize;
        DayPartitionWriter? current = null;
        var days = 0;
        long events = 0;
        try
        {
            while (true)
            {
                var page = await store.FindAsync(Collections.Events, DocumentQuery.Where(
                        new FieldFilter("created_at", FilterOp.Gte, JsonValue.Create(cursor)),
                        new FieldFilter("created_at", FilterOp.Lt, JsonValue.Create(end)))
                    .OrderBy("created_at")
                    .Take(pageSize), ct);
                var lastTimestamp = page.Count > 0 ? page[^1]["created_at"]?.GetValue<string>() : null;
                if (page.Count == pageSize && lastTimestamp == cursor)
                {
                    // A whole page shares one timestamp: widen the page rather than lose events at the boundary.
                    pageSize *= 2;
                    continue;
                }
                foreach (var doc in page)
                {
                    var id = doc["_id"]?.GetValue<string>() ?? "";
                    if (doc["created_at"]?.GetValue<string>() == cursor && seenAtCursor.Contains(id)) continue;
                    EventRow row;
                    try
                    {
                        row = EventDocumentMapper.FromDocument(doc);
                    }
                    catch (FormatException e)
                    {
                        // A malformed stored event must not stop the analytics of every other one.
                        SnapshotExporterLog.SkippingMalformedEvent(logger, id, e.Message);
                        continue;
                    }
                    // Repository metadata the poller fetched is not GitHub activity (it only feeds the repositories table).
                    if (row.Type == GitHubEventTypes.RepositoryMetadata) continue;
                    if (current is null || current.Day != row.Day)
                    {
                        if (current is not null)
                        {
                            (days, events) = (days + 1, events + await current.CompleteAsync(storage, ct));
                            current = null;
                        }
                        current = await DayPartitionWriter.CreateAsync(row.Day, ct);
                    }
                    await current.AddAsync(row, ct);
                }
                if (page.Count < pageSize) break;
                seenAtCursor = page.Where(d => d["created_at"]?.GetValue<string>() == lastTimestamp)
                    .Select(d => d["_id"]?.GetValue<string>() ?? "").ToHashSet(StringComparer.Ordinal);
                if (lastTimestamp != cursor) cursor = lastTimestamp!;
                else seenAtCursor.UnionWith(page.Select(d => d["_id"]?.GetValue<string>() ?? ""));
                pageSize = PageSize;
            }
            if (current is not null)
            {
                (days, events) = (days + 1, events + await current.CompleteAsync(storage, ct));
                current = null;
            }
        }
        finally
        {
            if (current is not null) await current.DisposeAsync();
        }
        return (days, events);
    }

    /// <summary>One day's partition being written to a temporary file, flushed as a row group every <see cref="PageSize"/> rows.</summary>
    private sealed class DayPartitionWriter : IAsyncDisposable
    {
        private readonly string _path;
        private readonly FileStream _file;
        private readonly EventParquetWriter _writer;
        private readonly List<EventRow> _buffer = new(PageSize);

        private DayPartitionWriter(DateOnly day, string path, FileStream file, EventParquetWriter writer)
        {
            Day = day;
            _path = path;
            _file = file;
            _writer = writer;
        }

        public DateOnly Day { get; }

        public static async Task<DayPartitionWriter> CreateAsync(DateOnly day, CancellationToken ct)
        {
            var path = Path.Combine(Path.GetTempPath(), $"pipeline-snapshot-{Guid.NewGuid():N}.parquet");
            var file = File.Create(path);
            return new DayPartitionWriter(day, path, file, await EventParquetWriter.CreateAsync(file, ct));
        }

        public async Task AddAsync(EventRow row, CancellationToken ct)
        {
            _buffer.Add(row);
            if (_buffer.Count >= PageSize)
            {
                await _writer.WriteBatchAsync(_buffer, ct);
                _buffer.Clear();
            }
        }

        /// <summary>Writes the rest, uploads the partition, removes the temporary file; returns the rows written.</summary>
        public async Task<long> CompleteAsync(ISnapshotStorage storage, CancellationToken ct)
        {
            try
            {
                await _writer.WriteBatchAsync(_buffer, ct);
                await _writer.DisposeAsync();
                _file.Position = 0;
                await storage.UploadAsync(SnapshotLayout.EventPartition(Day), _file, ct);
                return _writer.RowsWritten;
            }
            finally
            {
                await DisposeAsync();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _file.DisposeAsync();
            File.Delete(_path);
        }
    }

    /// <summary>
    /// Rewrites the snapshot's repositories table from the store's <c>repositories</c> projection (id = lower-cased full
    /// name, <c>full_name</c> in GitHub's casing, latest known <c>language</c>), read in id order with keyset paging.
    /// Returns the number of repositories written.
    /// </summary>
    public async Task<int> ExportRepositoriesAsync(CancellationToken ct = default)
    {
        var rows = new List<(string, string, string?)>();
        string? after = null;
        while (true)
        {
            var query = (after is null ? DocumentQuery.All : DocumentQuery.Where(new FieldFilter(DocumentJson.IdField, FilterOp.Gt, JsonValue.Create(after))))
                .OrderBy(DocumentJson.IdField).Take(PageSize).Select(DocumentJson.IdField, "full_name", "language");
            var page = await store.FindAsync(Collections.Repositories, query, ct);
            foreach (var doc in page)
            {
                var key = Text(doc, DocumentJson.IdField);
                if (key is null) continue;
                rows.Add((key, Text(doc, "full_name") ?? key, Text(doc, "language")));
            }
            if (page.Count < PageSize) break;
            after = Text(page[^1], DocumentJson.IdField);
        }
        using var buffer = new MemoryStream();
        await RepositoryParquet.WriteAsync(buffer, rows, ct);
        buffer.Position = 0;
        await storage.UploadAsync(SnapshotLayout.RepositoriesTable, buffer, ct);
        return rows.Count;
    }

    private static string? Text(JsonObject doc, string field) =>
        doc[field] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>Writes already-flattened rows as the partitions of their days (seed and benchmark paths).</summary>
    internal static async Task<int> WriteRowsAsync(ISnapshotStorage storage, IEnumerable<EventRow> rows, CancellationToken ct = default)
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

/// <summary>The source-generated log messages of SnapshotExporter (event ids: docs/architecture.md).</summary>
internal static partial class SnapshotExporterLog
{
    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Skipping event {Id} in the snapshot: {Reason}")]
    public static partial void SkippingMalformedEvent(ILogger logger, string id, string reason);
}
