using System.Collections.Concurrent;
using Microsoft.ML;
using Pipeline.ML.Data;
using Pipeline.ML.Training;

namespace Pipeline.ML.Serving;

/// <summary>
/// A pool of <see cref="PredictionEngine{TSrc,TDst}"/> (which is not thread-safe) over one loaded model version:
/// each request rents an engine for its exclusive use and returns it.
/// </summary>
public sealed class EnginePool<TOutput>(Func<PredictionEngine<IssueModelInput, TOutput>> factory, int maxRetained) where TOutput : class, new()
{
    private readonly ConcurrentBag<PredictionEngine<IssueModelInput, TOutput>> _engines = [];

    public TOutput Predict(IssueModelInput input)
    {
        if (!_engines.TryTake(out var engine)) engine = factory();
        try
        {
            return engine.Predict(input);
        }
        finally
        {
            if (_engines.Count < maxRetained) _engines.Add(engine);
            else engine.Dispose();
        }
    }
}

/// <summary>One model version loaded for serving. Immutable; a hot-swap replaces the whole object.</summary>
public sealed class ServedModel
{
    private readonly EnginePool<LabelerOutput>? _labeler;
    private readonly EnginePool<TimeToCloseOutput>? _timeToClose;

    public ServedModel(string name, int version, byte[] artifact, int seed, string datasetSource = "unknown")
    {
        Name = name;
        Version = version;
        DatasetSource = datasetSource;
        var ml = new MLContext(seed);
        Model = ModelTrainer.Deserialize(ml, artifact);
        var retained = Math.Max(4, Environment.ProcessorCount * 4);
        if (name == ModelNames.IssueLabeler)
        {
            if (Model.Labels.Length == 0) throw new InvalidDataException($"{name} v{version} has no label set (an artifact of an older labeler); retrain it");
            _labeler = new EnginePool<LabelerOutput>(() => ml.Model.CreatePredictionEngine<IssueModelInput, LabelerOutput>(Model.Transformer), retained);
        }
        else
        {
            _timeToClose = new EnginePool<TimeToCloseOutput>(() => ml.Model.CreatePredictionEngine<IssueModelInput, TimeToCloseOutput>(Model.Transformer), retained);
        }
    }

    public string Name { get; }
    public int Version { get; }
    /// <summary>Source of the data set this version was trained on (<c>store</c> or <c>synthetic</c>).</summary>
    public string DatasetSource { get; }
    public FittedModel Model { get; }
    public string[] Classes => Model.Labels;

    public LabelerPrediction PredictLabel(IssueModelInput input, int topK)
    {
        var output = (_labeler ?? throw new InvalidOperationException($"{Name} is not the labeler")).Predict(input);
        var (predicted, best) = LabelerSpec.Decide(Model, output.LabelProbabilities);
        var top = Model.Labels.Select((l, k) => new LabelScore(l, Math.Round(k < output.LabelProbabilities.Length ? output.LabelProbabilities[k] : 0, 6)))
            .OrderByDescending(s => s.Score).ThenBy(s => s.Label, StringComparer.Ordinal).Take(Math.Max(1, topK)).ToList();
        return new LabelerPrediction(Name, Version, best.Label, best.Score, top) { Labels = predicted, DatasetSource = DatasetSource };
    }

    public TimeToClosePrediction PredictTimeToClose(IssueModelInput input)
    {
        var output = (_timeToClose ?? throw new InvalidOperationException($"{Name} is not time-to-close")).Predict(input);
        var p = float.IsNaN(output.CloseProbability) ? 0.5 : output.CloseProbability;
        return new TimeToClosePrediction(Name, Version, p >= 0.5, Math.Round(p, 6), Math.Round(TimeToCloseSpec.ExpectedDays(output.Score), 3)) { DatasetSource = DatasetSource };
    }
}
