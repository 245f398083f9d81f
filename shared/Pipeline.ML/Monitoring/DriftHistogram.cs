namespace Pipeline.ML.Monitoring;

/// <summary>
/// Reference and current distributions of one feature over the same bins, as proportions of each sample (the drift report
/// page draws them side by side). Numeric features: <see cref="DriftHistograms.NumericBins"/> equal-width bins over the
/// range of both samples, labelled by their lower edge; categorical features: one bin per category (the most frequent
/// <see cref="DriftHistograms.MaxCategories"/>, the rest summed into "(other)").
/// </summary>
public sealed record DriftHistogram(List<string> Bins, List<double> Reference, List<double> Current, List<double>? Edges = null);
