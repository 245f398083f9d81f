using Pipeline.ML.Data;

namespace Pipeline.ML.Monitoring;

/// <summary>
/// The training-time distribution a model is monitored against: a deterministic sample of each feature from the training
/// rows, and the model's prediction distribution on the held-out test set. Stored next to the model artifact.
/// </summary>
internal sealed class DriftReference
{
    public Dictionary<string, double[]> Numeric { get; set; } = [];
    public Dictionary<string, string[]> Categorical { get; set; } = [];
    public string[] PredictedLabels { get; set; } = [];
    public double[] PredictedScores { get; set; } = [];

    public const int MaxSample = 2000;

    public static DriftReference FromRows(IReadOnlyList<IssueModelInput> rows, string[] predictedLabels, double[] predictedScores, int seed)
    {
        var rng = new Random(seed);
        var sample = rows.Count <= MaxSample ? rows.ToList() : rows.OrderBy(_ => rng.Next()).Take(MaxSample).ToList();
        return new DriftReference
        {
            Numeric = IssueModelInput.NumericFeatures.ToDictionary(f => f, f => sample.Select(r => (double)r.Numeric(f)).ToArray()),
            Categorical = IssueModelInput.CategoricalFeatures.ToDictionary(f => f, f => sample.Select(r => r.Categorical(f)).ToArray()),
            PredictedLabels = predictedLabels,
            PredictedScores = predictedScores,
        };
    }
}
