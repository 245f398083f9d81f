using System.Diagnostics;
using Microsoft.ML;
using Pipeline.ML.Data;
using Pipeline.ML.Monitoring;

namespace Pipeline.ML.Training;

/// <summary>Test-set and slice metrics of a trained model, plus the drift reference captured at training time.</summary>
public sealed record ModelEvaluation(
    Dictionary<string, double> TestMetrics,
    Dictionary<string, Dictionary<string, double>> SliceMetrics,
    DriftReference Reference,
    double Seconds);

/// <summary>A fitted model, serialized as the ML.NET zip, with what produced it.</summary>
public sealed record TrainedModel(string ModelName, TrainerCandidate Candidate, byte[] Artifact, int TrainRows, double Seconds);

/// <summary>
/// The training stages, each usable on its own (durable activities) or in sequence (<see cref="TrainingPipeline"/>):
/// cross-validated grid search, final fit on all training rows, and evaluation on the time-held-out test set and slices.
/// </summary>
public static class ModelTrainer
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
        return new ModelEvaluation(test, slices, reference, sw.Elapsed.TotalSeconds);
    }

    public static byte[] Serialize(MLContext ml, ITransformer model)
    {
        using var ms = new MemoryStream();
        ml.Model.Save(model, null, ms);
        return ms.ToArray();
    }

    public static ITransformer Deserialize(MLContext ml, byte[] artifact)
    {
        using var ms = new MemoryStream(artifact);
        return ml.Model.Load(ms, out _);
    }
}
