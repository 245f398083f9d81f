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

    public ServedModel(string name, int version, byte[] artifact, int seed)
    {
        Name = name;
        Version = version;
        var ml = new MLContext(seed);
        Transformer = ModelTrainer.Deserialize(ml, artifact);
        var retained = Math.Max(4, Environment.ProcessorCount * 4);
        if (name == ModelNames.IssueLabeler)
        {
            var schema = Transformer.GetOutputSchema(ml.Data.LoadFromEnumerable(Array.Empty<IssueModelInput>()).Schema);
            Classes = LabelerSpec.ClassNames(schema);
            _labeler = new EnginePool<LabelerOutput>(() => ml.Model.CreatePredictionEngine<IssueModelInput, LabelerOutput>(Transformer), retained);
        }
        else
        {
            _timeToClose = new EnginePool<TimeToCloseOutput>(() => ml.Model.CreatePredictionEngine<IssueModelInput, TimeToCloseOutput>(Transformer), retained);
        }
    }

    public string Name { get; }
    public int Version { get; }
    public ITransformer Transformer { get; }
    public string[] Classes { get; } = [];

    public LabelerPrediction PredictLabel(IssueModelInput input, int topK)
    {
        var output = (_labeler ?? throw new InvalidOperationException($"{Name} is not the labeler")).Predict(input);
        var probabilities = LabelerSpec.Normalize(output.Score);
        var top = probabilities.Select((p, i) => new LabelScore(i < Classes.Length ? Classes[i] : $"class{i}", Math.Round(p, 6)))
            .OrderByDescending(s => s.Score).Take(Math.Max(1, topK)).ToList();
        var best = top[0];
        return new LabelerPrediction(Name, Version, output.PredictedLabel.Length > 0 ? output.PredictedLabel : best.Label, best.Score, top);
    }

    public TimeToClosePrediction PredictTimeToClose(IssueModelInput input)
    {
        var output = (_timeToClose ?? throw new InvalidOperationException($"{Name} is not time-to-close")).Predict(input);
        var p = float.IsNaN(output.CloseProbability) ? 0.5 : output.CloseProbability;
        return new TimeToClosePrediction(Name, Version, p >= 0.5, Math.Round(p, 6), Math.Round(TimeToCloseSpec.ExpectedDays(output.Score), 3));
    }
}
