namespace Pipeline.ML.Monitoring;

public sealed record DriftResult(
    List<FeatureDrift> Features,
    int DriftedFeatures,
    double DriftShare,
    bool DatasetDrift,
    List<FeatureDrift> Predictions,
    bool PredictionDrift);
