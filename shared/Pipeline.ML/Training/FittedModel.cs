using Microsoft.ML;

namespace Pipeline.ML.Training;

/// <summary>A fitted ML.NET chain with, for the labeler, the labels of its output slots and their tuned thresholds
/// (empty for time-to-close).</summary>
internal sealed record FittedModel(ITransformer Transformer, string[] Labels, double[] Thresholds);
