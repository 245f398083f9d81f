using System.Text.Json.Nodes;
using Pipeline.Domain;
using Pipeline.Storage;

namespace Pipeline.Analytics.Runs;

/// <summary>Run documents of the aggregation in <c>job_runs</c>: one per orchestration instance.</summary>
public sealed class JobRunStore(IDocumentStore store)
{
    public const string Kind = "aggregate-trends";

    public Task UpsertAsync(JsonObject run, CancellationToken ct = default) =>
        store.UpsertAsync(Collections.JobRuns, run["_id"]!.GetValue<string>(), run, ct);

    /// <summary>The received_at watermark of the last successful run, or null when none succeeded yet.</summary>
    public async Task<string?> LastWatermarkAsync(CancellationToken ct = default)
    {
        var runs = await store.FindAsync(Collections.JobRuns, DocumentQuery.Where(
                    new FieldFilter("kind", FilterOp.Eq, JsonValue.Create(Kind)),
                    new FieldFilter("status", FilterOp.Eq, JsonValue.Create(JobRunStatus.Succeeded)),
                    new FieldFilter("watermark", FilterOp.Exists, JsonValue.Create(true)))
                .OrderBy("finished_at", descending: true)
                .Take(1), ct);
        return runs.Count == 0 ? null : runs[0]["watermark"]?.GetValue<string>();
    }

    public async Task<IReadOnlyList<JsonObject>> RecentAsync(int limit, CancellationToken ct = default) =>
        await store.FindAsync(Collections.JobRuns, DocumentQuery.Where(new FieldFilter("kind", FilterOp.Eq, JsonValue.Create(Kind)))
            .OrderBy("started_at", descending: true)
            .Take(limit), ct);
}
