using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Pipeline.Analytics.Jobs;
using Pipeline.Analytics.Planning;
using Pipeline.Analytics.Runs;
using Pipeline.Domain;
using Pipeline.Storage;

namespace Pipeline.Analytics.Snapshot;

/// <summary>
/// Brings the Parquet snapshot up to date for an incremental run. New events are those with a <c>received_at</c>
/// after the last successful run's watermark. The watermark recorded is the latest <c>received_at</c> seen, but never
/// later than "now minus an overlap": an event stamped a moment ago may still be in flight to the store, so the last
/// few minutes are read again next time (harmless, results are upserted). Their <c>created_at</c> days are "touched":
/// those partitions are re-exported, and every partition the affected periods need that is missing is exported too.
/// Without a watermark (first run) or with Force, every day in the window is touched. Only unbounded runs move the
/// watermark.
/// </summary>
public sealed class TrendsSnapshotService(
    IDocumentStore store,
    ISnapshotStorage storage,
    SnapshotExporter exporter,
    JobRunStore runs,
    ITrendsJobCatalog catalog,
    ILogger<TrendsSnapshotService> logger)
{
    public static readonly TimeSpan WatermarkOverlap = TimeSpan.FromMinutes(5);
    private const int PageSize = 5000;

    public async Task<SnapshotPlan> PrepareAsync(SnapshotRequest request, CancellationToken ct = default)
    {
        await store.EnsureCollectionsAsync(AnalyticsCollections.Definitions, ct);
        var previous = await runs.LastWatermarkAsync(ct);
        var settledBefore = StoreTime.Format(DateTimeOffset.UtcNow - WatermarkOverlap);
        var full = request.Force || previous is null;
        HashSet<DateOnly> touched;
        string? watermark;
        long newEvents;
        if (full)
        {
            (touched, watermark, newEvents) = await AllDaysAsync(request, ct);
        }
        else
        {
            (touched, watermark, newEvents) = await DaysOfNewEventsAsync(previous!, request, ct);
            watermark ??= previous;
        }
        if (watermark is not null && string.CompareOrdinal(watermark, settledBefore) > 0)
        {
            watermark = previous is not null && string.CompareOrdinal(previous, settledBefore) > 0 ? previous : settledBefore;
        }
        if (request.From is not null || request.To is not null)
        {
            // A windowed run recomputes part of the history: it must not let the next run skip what lies outside.
            watermark = previous;
        }

        var needed = new HashSet<DateOnly>(touched);
        // Full-history jobs read whatever partitions exist: every day with events was exported when it was touched, so
        // their input needs no back-fill (asking for every day since 2008 would re-read the whole store each run).
        foreach (var job in catalog.Jobs.Where(j => !j.FullHistory))
        {
            needed.UnionWith(JobPlan.For(job, touched).InputDays);
        }
        var existing = await storage.ListEventPartitionsAsync(ct);
        var toExport = needed.Where(d => touched.Contains(d) || !existing.ContainsKey(d))
            .Where(d => d <= DateOnly.FromDateTime(DateTime.UtcNow))
            .Order()
            .ToList();
        var (exportedDays, exportedEvents) = await exporter.ExportDaysAsync(toExport, ct);
        // Every run: a language learnt since the last run (a pull request, the poller's REST lookup) applies to all events.
        var repositories = await exporter.ExportRepositoriesAsync(ct);
        TrendsSnapshotServiceLog.SnapshotExported(logger, touched.Count, full ? "full" : "incremental", newEvents, exportedDays, exportedEvents, repositories);
        return new SnapshotPlan(
            touched.Order().Select(Periods.Format).ToList(), previous, watermark, newEvents, exportedDays, exportedEvents, full);
    }

    private async Task<(HashSet<DateOnly>, string?, long)> AllDaysAsync(SnapshotRequest request, CancellationToken ct)
    {
        var first = await store.FindAsync(Collections.Events, DocumentQuery.All.OrderBy("created_at").Take(1), ct);
        var last = await store.FindAsync(Collections.Events, DocumentQuery.All.OrderBy("created_at", descending: true).Take(1), ct);
        var latestReceived = await store.FindAsync(Collections.Events, DocumentQuery.All.OrderBy("received_at", descending: true).Take(1), ct);
        var days = new HashSet<DateOnly>();
        if (first.Count == 0) return (days, null, 0);
        var from = DayOf(first[0]["created_at"]);
        var to = DayOf(last[0]["created_at"]);
        if (request.From is { } f && f > from) from = f;
        if (request.To is { } t && t < to) to = t;
        days.UnionWith(Periods.Days(from, to.AddDays(1)));
        var total = await store.CountAsync(Collections.Events, null, ct);
        return (days, latestReceived[0]["received_at"]?.GetValue<string>(), total);
    }

    private async Task<(HashSet<DateOnly>, string?, long)> DaysOfNewEventsAsync(string previous, SnapshotRequest request, CancellationToken ct)
    {
        var query = DocumentQuery.Where(new FieldFilter("received_at", FilterOp.Gt, JsonValue.Create(previous)))
            .OrderBy("received_at")
            .Take(PageSize);
        var days = new HashSet<DateOnly>();
        string? watermark = null;
        long count = 0;
        var skip = 0;
        while (true)
        {
            var page = await store.FindAsync(Collections.Events, query with { Skip = skip }, ct);
            foreach (var doc in page)
            {
                var day = DayOf(doc["created_at"]);
                if ((request.From is null || day >= request.From) && (request.To is null || day <= request.To))
                {
                    days.Add(day);
                }
                var received = doc["received_at"]?.GetValue<string>();
                if (received is not null && (watermark is null || string.CompareOrdinal(received, watermark) > 0)) watermark = received;
                count++;
            }
            skip += page.Count;
            if (page.Count < PageSize) break;
        }
        return (days, watermark, count);
    }

    private static DateOnly DayOf(JsonNode? createdAt)
    {
        var s = createdAt?.GetValue<string>() ?? throw new FormatException("event without created_at");
        return DateOnly.FromDateTime(DateTimeOffset.Parse(s, System.Globalization.CultureInfo.InvariantCulture).UtcDateTime);
    }
}

/// <summary>The source-generated log messages of TrendsSnapshotService (event ids: docs/architecture.md).</summary>
internal static partial class TrendsSnapshotServiceLog
{
    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Trends snapshot: {Touched} touched days ({Mode}), {NewEvents} new events, {Days} partitions / {Events} events exported, {Repositories} repositories")]
    public static partial void SnapshotExported(ILogger logger, int touched, string mode, long newEvents, int days, long events, int repositories);
}
