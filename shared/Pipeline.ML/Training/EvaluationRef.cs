namespace Pipeline.ML.Training;

/// <summary>Test and slice metrics of the candidate, and of the current champion on the same test set.</summary>
public sealed record EvaluationRef(
    Dictionary<string, double> TestMetrics,
    Dictionary<string, double> BaselineMetrics,
    Dictionary<string, Dictionary<string, double>> SliceMetrics,
    string ReferencePath,
    int? ChampionVersion,
    Dictionary<string, double>? ChampionTestMetrics,
    double Seconds)
{
    /// <summary>Data source of the champion's training set (<c>store</c> or <c>synthetic</c>).</summary>
    public string? ChampionSource { get; init; }
}
