namespace Pipeline.ML.Monitoring;

/// <summary>Drift of one feature (or of the predictions) between the training reference and the recent window.</summary>
public sealed record FeatureDrift(
    string Feature,
    string Kind,
    string Test,
    double Statistic,
    double? PValue,
    double Threshold,
    bool Drifted,
    double Psi,
    int ReferenceCount,
    int CurrentCount)
{
    /// <summary>Reference vs current distributions over the same bins, from the samples the test ran on.</summary>
    public DriftHistogram? Histogram { get; init; }
}
