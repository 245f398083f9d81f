using System.Diagnostics;
using Microsoft.ML;
using Pipeline.ML.Data;
using Pipeline.ML.Monitoring;

namespace Pipeline.ML.Training;

/// <summary>
/// The training stages, each usable on its own (durable activities) or in sequence (<see cref="TrainingPipeline"/>):
/// cross-validated grid search, final fit on all training rows, and evaluation on the time-held-out test set and slices.
/// </summary>
internal static class ModelTrainer
{
    public static TrainedModel TrainFinal(IssueDataset dataset, TrainerCandidate candidate, TrainingSettings settings)
    {
        var sw = Stopwatch.StartNew();
        var ml = new MLContext(settings.Seed);
        var spec = ModelSpec.For(dataset.ModelName);
        var model = spec.Fit(ml, dataset.Train, candidate);
        return new TrainedModel(dataset.ModelName, candidate, Serialize(ml, model), dataset.Train.Count, sw.Elapsed.TotalSeconds);
    }

    public static ModelEvaluation Evaluate(IssueDataset dataset, byte[] artifact, TrainingSettings settings)
    {
        var sw = Stopwatch.StartNew();
        var ml = new MLContext(settings.Seed);
        var model = Deserialize(ml, artifact);
        var spec = ModelSpec.For(dataset.ModelName);
        var test = spec.Evaluate(ml, model, dataset.Test);
        var baseline = Baseline(dataset);
        var slices = new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal);
        foreach (var (kind, key) in new (string, Func<IssueModelInput, string>)[] { ("repo", r => r.Repo), ("language", r => r.Language) })
        {
            foreach (var group in dataset.Test.GroupBy(key).Where(g => g.Count() >= settings.MinSliceSize).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                slices[$"{kind}:{group.Key}"] = spec.Evaluate(ml, model, group.ToList());
            }
        }
        var (labels, scores) = spec.PredictionDistribution(ml, model, dataset.Test);
        var reference = DriftReference.FromRows(dataset.Train, labels, scores, settings.Seed);
        return new ModelEvaluation(test, baseline, slices, reference, sw.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The baseline every run reports, on the same test set: the labeler predicts the training set's most frequent label
    /// for every issue; time-to-close predicts the training set's prior rate of closing within 7 days for every issue.
    /// </summary>
    public static Dictionary<string, double> Baseline(IssueDataset dataset)
    {
        if (dataset.ModelName == ModelNames.IssueLabeler)
        {
            var majority = dataset.Train.SelectMany(r => r.TrueLabels()).GroupBy(l => l, StringComparer.Ordinal)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key).FirstOrDefault() ?? string.Empty;
            var truth = dataset.Test.Select(r => r.TrueLabels()).ToList();
            return ClassificationMetrics.MultiLabel(truth, truth.Select(_ => (IReadOnlyList<string>)[majority]).ToList(), truth.Select(_ => majority).ToList(),
                truth.SelectMany(t => t).Append(majority).Distinct(StringComparer.Ordinal).ToList());
        }
        var prior = dataset.Train.Count == 0 ? 0.5 : dataset.Train.Average(r => r.ClosedWithin7Days ? 1.0 : 0.0);
        return ClassificationMetrics.Binary(dataset.Test.Select(r => r.ClosedWithin7Days).ToList(), dataset.Test.Select(_ => prior).ToList());
    }

    private const string LabelerMetadataEntry = "labeler.json";
    private const string PipelineEntry = "pipeline.zip";

    /// <summary>The ML.NET zip; for a labeler, a zip holding the ML.NET zip and <c>labeler.json</c> (labels, thresholds).</summary>
    public static byte[] Serialize(MLContext ml, FittedModel model)
    {
        using var inner = new MemoryStream();
        ml.Model.Save(model.Transformer, null, inner);
        if (model.Labels.Length == 0) return inner.ToArray();
        using var outer = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(outer, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var e = zip.CreateEntry(PipelineEntry).Open()) e.Write(inner.ToArray());
            using (var e = zip.CreateEntry(LabelerMetadataEntry).Open())
                System.Text.Json.JsonSerializer.Serialize(e, new LabelerMetadata(model.Labels, model.Thresholds));
        }
        return outer.ToArray();
    }

    private sealed record LabelerMetadata(string[] Labels, double[] Thresholds);

    public static FittedModel Deserialize(MLContext ml, byte[] artifact)
    {
        using (var probe = new MemoryStream(artifact))
        using (var zip = new System.IO.Compression.ZipArchive(probe, System.IO.Compression.ZipArchiveMode.Read))
        {
            if (zip.GetEntry(LabelerMetadataEntry) is { } meta && zip.GetEntry(PipelineEntry) is { } pipeline)
            {
                LabelerMetadata m;
                using (var s = meta.Open()) m = System.Text.Json.JsonSerializer.Deserialize<LabelerMetadata>(s) ?? throw new InvalidDataException("empty labeler.json");
                using var inner = new MemoryStream();
                using (var s = pipeline.Open()) s.CopyTo(inner);
                inner.Position = 0;
                return new FittedModel(ml.Model.Load(inner, out _), m.Labels, m.Thresholds);
            }
        }
        using var ms = new MemoryStream(artifact);
        return new FittedModel(ml.Model.Load(ms, out _), [], []);
    }
}
