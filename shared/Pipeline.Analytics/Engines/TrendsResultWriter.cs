using System.Text.Json.Nodes;
using Pipeline.Analytics.Jobs;
using Pipeline.Analytics.Planning;
using Pipeline.Storage;

namespace Pipeline.Analytics.Engines;

/// <summary>
/// Writes a job's result rows into its output collection: only rows of the periods the run recomputes, each under
/// <c>_id = job:key values</c>, so re-running a period replaces its documents and never duplicates them.
/// </summary>
public sealed class TrendsResultWriter(IDocumentStore store)
{
    public const int BatchSize = 1000;

    /// <summary>The documents to write: rows of covered periods, with id, job and run metadata added (the row objects
    /// themselves are reused).</summary>
    public static List<KeyValuePair<string, JsonObject>> ToDocuments(JobPlan plan, IEnumerable<JsonObject> rows, string runId, string computedAt)
    {
        var job = plan.Job;
        var docs = new List<KeyValuePair<string, JsonObject>>();
        foreach (var row in rows)
        {
            if (job.PeriodColumn is { } pc)
            {
                var period = row[pc]?.GetValue<string>() ?? throw new InvalidOperationException($"Job {job.Name} returned a row without {pc}");
                if (!plan.Covers(Periods.Parse(period))) continue;
            }
            var keyValues = job.Key.Select(k => row.TryGetPropertyValue(k, out var v)
                ? v?.ToString() ?? ""
                : throw new InvalidOperationException($"Job {job.Name} declares key column '{k}' but its result has no such column"));
            var id = job.DocumentId(keyValues);
            // The row becomes the document (no copy: result sets can have hundreds of thousands of rows).
            row["_id"] = id;
            row["job"] = job.Name;
            row["run_id"] = runId;
            row["computed_at"] = computedAt;
            docs.Add(new(id, row));
        }
        return docs;
    }

    public async Task<int> WriteAsync(string collection, IReadOnlyList<KeyValuePair<string, JsonObject>> documents, CancellationToken ct = default)
    {
        foreach (var chunk in documents.Chunk(BatchSize))
        {
            await store.UpsertManyAsync(collection, chunk, ct);
        }
        return documents.Count;
    }

    /// <summary>
    /// Writes the run's documents, then deletes the documents of the recomputed periods this run did not write: a key
    /// that no longer exists (a repository's events moving from <c>unknown</c> to the language learnt since) must not
    /// keep its old counts next to the new ones. Jobs without a period only upsert.
    /// </summary>
    public async Task<int> ReplacePeriodsAsync(JobPlan plan, IReadOnlyList<KeyValuePair<string, JsonObject>> documents, string runId, CancellationToken ct = default)
    {
        var written = await WriteAsync(plan.Job.Output, documents, ct);
        if (plan.Job.PeriodColumn is { } column && plan.Periods.Count > 0)
        {
            foreach (var periods in plan.Periods.Order().Chunk(500))
            {
                await store.DeleteManyAsync(plan.Job.Output, DocumentQuery.Where(
                    new FieldFilter("job", FilterOp.Eq, JsonValue.Create(plan.Job.Name)),
                    new FieldFilter(column, FilterOp.In, new JsonArray(periods.Select(p => (JsonNode?)JsonValue.Create(Periods.Format(p))).ToArray())),
                    new FieldFilter("run_id", FilterOp.Ne, JsonValue.Create(runId))), ct);
            }
        }
        return written;
    }
}
