namespace Pipeline.ML.Serving;

/// <summary>The labeler's answer: <see cref="Labels"/> are the labels at or above their tuned thresholds (possibly none),
/// <see cref="Label"/>/<see cref="Confidence"/> the top-scoring label, <see cref="Top"/> the best scores.</summary>
public sealed record LabelerPrediction(string Model, int Version, string Label, double Confidence, IReadOnlyList<LabelScore> Top)
{
    public IReadOnlyList<LabelScore> Labels { get; init; } = [];
    /// <summary>Source of the data set the serving version was trained on (<c>store</c> or <c>synthetic</c>).</summary>
    public string DatasetSource { get; init; } = "unknown";
}
