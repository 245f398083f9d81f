namespace Pipeline.ML.Monitoring;

/// <summary>The recent window's feature values and predictions, in the same shape as <see cref="DriftReference"/>.</summary>
internal sealed class DriftWindow
{
    public Dictionary<string, List<double>> Numeric { get; } = [];
    public Dictionary<string, List<string>> Categorical { get; } = [];
    public List<string> PredictedLabels { get; } = [];
    public List<double> PredictedScores { get; } = [];
    public int Count { get; set; }
}
