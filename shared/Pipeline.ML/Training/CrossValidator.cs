using System.Diagnostics;
using Microsoft.ML;
using Pipeline.ML.Data;

namespace Pipeline.ML.Training;

/// <summary>
/// Forward-chaining (time-ordered) cross-validation over the trainer grid, bounded by a wall-clock budget: candidates run
/// in grid order, the first always completes, and no new candidate starts once the budget is spent (the rest are reported
/// as skipped). The rows, ordered by creation, are cut into k + 1 consecutive blocks; fold f trains on blocks 0..f and
/// validates on block f + 1, so no fold ever learns from issues newer than those it is scored on. Folds run in parallel,
/// each with its own seeded MLContext, so results do not depend on thread scheduling.
/// </summary>
internal static class CrossValidator
{
    public static CrossValidationResult Run(ModelSpec spec, IReadOnlyList<IssueModelInput> train, TrainingSettings settings, CancellationToken ct = default)
    {
        var rows = train.Count > settings.CvMaxRows ? train.Skip(train.Count - settings.CvMaxRows).ToList() : train.ToList();
        rows = rows.OrderBy(r => r.CreatedAtTicks).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
        var k = Math.Min(settings.CvFolds, Math.Max(2, rows.Count / 10));
        int BlockStart(int b) => (int)((long)rows.Count * b / (k + 1));
        var folds = Enumerable.Range(0, k).Select(f => (
            Train: rows.Take(BlockStart(f + 1)).ToList(),
            Valid: rows.Skip(BlockStart(f + 1)).Take(BlockStart(f + 2) - BlockStart(f + 1)).ToList())).ToArray();
        var layout = folds.Select((fold, f) => new FoldInfo(f, fold.Train.Count, fold.Valid.Count,
            new DateTime(fold.Train[^1].CreatedAtTicks, DateTimeKind.Utc), new DateTime(fold.Valid[0].CreatedAtTicks, DateTimeKind.Utc),
            new DateTime(fold.Valid[^1].CreatedAtTicks, DateTimeKind.Utc))).ToList();

        var budget = TimeSpan.FromSeconds(settings.GridBudgetSeconds);
        var total = Stopwatch.StartNew();
        var results = new List<CandidateResult>();
        foreach (var candidate in TrainerGrid.For(spec.Name, settings))
        {
            ct.ThrowIfCancellationRequested();
            if (results.Any(r => r.Status == "ok") && total.Elapsed > budget)
            {
                results.Add(new CandidateResult(candidate, "skipped: grid budget spent", [], 0, 0));
                continue;
            }
            var sw = Stopwatch.StartNew();
            var foldMetrics = new Dictionary<string, double>[k];
            try
            {
                Parallel.For(0, k, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct }, f =>
                {
                    var ml = new MLContext(settings.Seed + f);
                    var model = spec.Fit(ml, folds[f].Train, candidate);
                    foldMetrics[f] = spec.Evaluate(ml, model, folds[f].Valid);
                });
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or AggregateException)
            {
                results.Add(new CandidateResult(candidate, "failed: " + (ex.InnerException ?? ex).Message, [], 0, sw.Elapsed.TotalSeconds));
                continue;
            }
            var mean = foldMetrics.SelectMany(m => m).GroupBy(kv => kv.Key)
                .ToDictionary(g => g.Key, g => g.Where(kv => !double.IsNaN(kv.Value)).Select(kv => kv.Value).DefaultIfEmpty(double.NaN).Average())
                .Where(kv => double.IsFinite(kv.Value)).ToDictionary();
            var primary = foldMetrics.Select(m => m.GetValueOrDefault(spec.PrimaryMetric, double.NaN)).ToArray();
            var std = Math.Sqrt(primary.Select(p => Math.Pow(p - primary.Average(), 2)).Average());
            if (!double.IsFinite(std)) std = 0;
            results.Add(new CandidateResult(candidate, "ok", mean, std, sw.Elapsed.TotalSeconds) { FoldMetrics = foldMetrics.ToList() });
        }
        var top = results.Where(r => r.Status == "ok")
            .OrderByDescending(r => Primary(r, spec.PrimaryMetric))
            .FirstOrDefault() ?? throw new InvalidOperationException($"Every grid candidate failed for {spec.Name}: {string.Join("; ", results.Select(r => r.Status))}");
        // Among candidates tied with the top one, take the first in grid order: the grid lists cheaper trainers first, and
        // a fixed order (not measured seconds) keeps the choice deterministic.
        var best = results.First(r => r.Status == "ok" && Primary(r, spec.PrimaryMetric) >= Primary(top, spec.PrimaryMetric) - settings.SelectionTolerance);
        return new CrossValidationResult(spec.Name, spec.PrimaryMetric, k, rows.Count, settings.GridBudgetSeconds, total.Elapsed.TotalSeconds,
            results, best.Candidate, best.MeanMetrics)
        { FoldLayout = layout, BestFoldMetrics = best.FoldMetrics };
    }

    private static double Primary(CandidateResult r, string metric) =>
        r.MeanMetrics.TryGetValue(metric, out var v) && !double.IsNaN(v) ? v : double.NegativeInfinity;
}
