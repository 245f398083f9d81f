using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Storage;

namespace Pipeline.ML.Training;

/// <summary>Training runs in the <c>ml_runs</c> collection: record, list (filter and sort by a metric), get.</summary>
public sealed class TrainingRunStore(IDocumentStore store)
{
    public const string Collection = "ml_runs";

    public Task SaveAsync(TrainingRun run, CancellationToken ct = default)
    {
        var doc = JsonSerializer.SerializeToNode(run, TrainingRun.Json)!.AsObject();
        doc.Remove("id");
        // Flat copies for store-side filtering and ordering.
        doc["sortStartedAt"] = Data.IssueDocumentSchema.FormatTime(run.StartedAt);
        return store.UpsertAsync(Collection, run.Id, doc, ct);
    }

    public async Task<TrainingRun?> GetAsync(string model, string id, CancellationToken ct = default)
    {
        var doc = await store.GetAsync(Collection, id, ct);
        var run = doc is null ? null : FromDocument(doc);
        return run?.Model == model ? run : null;
    }

    /// <summary>
    /// The model's runs, newest first, optionally only those whose test metric <paramref name="metric"/> is at least
    /// <paramref name="min"/> (and at most <paramref name="max"/>), sorted by that metric when <paramref name="sort"/> names
    /// it (<c>metric</c> or <c>-metric</c> for descending), limited to <paramref name="limit"/>.
    /// </summary>
    public async Task<List<TrainingRun>> ListAsync(string model, string? metric = null, double? min = null, double? max = null, string? sort = null,
        int limit = 50, string? decision = null, CancellationToken ct = default)
    {
        var filters = new List<FieldFilter> { new("model", FilterOp.Eq, model) };
        if (decision is not null) filters.Add(new("decision", FilterOp.Eq, decision));
        var docs = await store.FindAsync(Collection, DocumentQuery.Where(filters.ToArray()).OrderBy("sortStartedAt", descending: true).Take(1000), ct);
        IEnumerable<TrainingRun> runs = docs.Select(FromDocument);
        double Metric(TrainingRun r, string m) => r.TestMetrics.TryGetValue(m, out var v) ? v : double.NaN;
        if (metric is not null && min is not null) runs = runs.Where(r => Metric(r, metric) >= min);
        if (metric is not null && max is not null) runs = runs.Where(r => Metric(r, metric) <= max);
        if (!string.IsNullOrEmpty(sort))
        {
            var desc = sort.StartsWith('-');
            var key = sort.TrimStart('-', '+');
            runs = key switch
            {
                "startedAt" => desc ? runs.OrderByDescending(r => r.StartedAt) : runs.OrderBy(r => r.StartedAt),
                "durationSeconds" => desc ? runs.OrderByDescending(r => r.DurationSeconds) : runs.OrderBy(r => r.DurationSeconds),
                _ => desc
                    ? runs.OrderByDescending(r => double.IsNaN(Metric(r, key)) ? double.NegativeInfinity : Metric(r, key))
                    : runs.OrderBy(r => double.IsNaN(Metric(r, key)) ? double.PositiveInfinity : Metric(r, key)),
            };
        }
        return runs.Take(Math.Clamp(limit, 1, 1000)).ToList();
    }

    private static TrainingRun FromDocument(JsonObject doc)
    {
        var run = doc.Deserialize<TrainingRun>(TrainingRun.Json)!;
        run.Id = doc["_id"]?.ToString() ?? run.Id;
        return run;
    }
}
