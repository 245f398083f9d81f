namespace Pipeline.ML.Data;

/// <summary>Output of the labeler pipeline: one calibrated probability per label of the model's label set (one-vs-rest).</summary>
internal sealed class LabelerOutput
{
    public float[] LabelProbabilities { get; set; } = [];
}
