using Microsoft.ML;
using Pipeline.ML.Data;
using Pipeline.ML.Training;

namespace Pipeline.ML.Serving;

/// <summary>One model version loaded for serving. Immutable; a hot-swap replaces the whole object.</summary>
internal sealed class ServedModel
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
        // Creating an engine costs milliseconds: retain as many as can be rented at once (one per busy thread-pool thread,
        // which grows past the core count under load) so that none is built and disposed per request.
        var retained = Math.Max(64, Environment.ProcessorCount * 16);
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

    public LabelerPrediction PredictLabel(IssueModelInput input, int topK) =>
        (_labeler ?? throw new InvalidOperationException($"{Name} is not the labeler")).Predict(input, (Served: this, TopK: topK), static (output, s) => s.Served.Label(output, s.TopK));

    private LabelerPrediction Label(LabelerOutput output, int topK)
    {
        var probabilities = output.LabelProbabilities;
        var (predicted, best) = LabelerSpec.Decide(Model, probabilities);
        var labels = Model.Labels;
        var scores = new LabelScore[labels.Length];
        for (var k = 0; k < labels.Length; k++) scores[k] = new LabelScore(labels[k], Math.Round(k < probabilities.Length ? probabilities[k] : 0, 6));
        Array.Sort(scores, LabelerSpec.ByScoreThenLabel);
        var count = Math.Min(scores.Length, Math.Max(1, topK));
        var top = new List<LabelScore>(count);
        for (var k = 0; k < count; k++) top.Add(scores[k]);
        return new LabelerPrediction(Name, Version, best.Label, best.Score, top) { Labels = predicted, DatasetSource = DatasetSource };
    }

    public TimeToClosePrediction PredictTimeToClose(IssueModelInput input) =>
        (_timeToClose ?? throw new InvalidOperationException($"{Name} is not time-to-close")).Predict(input, this, static (output, served) =>
        {
            var p = float.IsNaN(output.CloseProbability) ? 0.5 : output.CloseProbability;
            return new TimeToClosePrediction(served.Name, served.Version, p >= 0.5, Math.Round(p, 6), Math.Round(TimeToCloseSpec.ExpectedDays(output.Score), 3))
            {
                DatasetSource = served.DatasetSource,
            };
        });
}
