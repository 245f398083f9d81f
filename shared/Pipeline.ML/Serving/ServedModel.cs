using Microsoft.ML;
using Pipeline.ML.Data;
using Pipeline.ML.Training;

namespace Pipeline.ML.Serving;

/// <summary>
/// A pool of <see cref="PredictionEngine{TSrc,TDst}"/> (which is not thread-safe) over one loaded model version, in the
/// manner of ObjectPool/PredictionEnginePool: each call rents an engine with its own output object for its exclusive use,
/// reads what it needs from the output while it holds it (the output is reused by the next renter), and returns it.
/// Renting and returning allocate nothing; at most <c>maxRetained</c> engines are kept. The pool is a stack (last returned,
/// first rented): under a thread pool larger than the core count a queue handed out the least recently used engine, whose
/// buffers had left the CPU caches, and the engine calls cost ~1.5× those of a thread-local pool. A hot-swap replaces the
/// whole <see cref="ServedModel"/> and with it the pool, so an engine of one version never serves another.
/// </summary>
public sealed class EnginePool<TOutput>(Func<PredictionEngine<IssueModelInput, TOutput>> factory, int maxRetained) where TOutput : class, new()
{
    private readonly Lease?[] _engines = new Lease?[maxRetained];
    private readonly Lock _gate = new();
    private int _count;

    private sealed class Lease(PredictionEngine<IssueModelInput, TOutput> engine)
    {
        public readonly PredictionEngine<IssueModelInput, TOutput> Engine = engine;
        public TOutput Output = new();
    }

    /// <summary>Predicts into the rented engine's output and returns <paramref name="read"/> of it (called while rented).</summary>
    public TResult Predict<TState, TResult>(IssueModelInput input, TState state, Func<TOutput, TState, TResult> read)
    {
        var lease = Rent() ?? new Lease(factory());
        try
        {
            lease.Engine.Predict(input, ref lease.Output);
            return read(lease.Output, state);
        }
        finally
        {
            if (!Return(lease)) lease.Engine.Dispose();
        }
    }

    private Lease? Rent()
    {
        lock (_gate)
        {
            if (_count == 0) return null;
            var lease = _engines[--_count];
            _engines[_count] = null;
            return lease;
        }
    }

    private bool Return(Lease lease)
    {
        lock (_gate)
        {
            if (_count == _engines.Length) return false;
            _engines[_count++] = lease;
            return true;
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
