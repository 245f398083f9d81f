using Pipeline.ML.Monitoring;

namespace Pipeline.ML.Training;

/// <summary>Test-set and slice metrics of a trained model, plus the drift reference captured at training time.</summary>
internal sealed record ModelEvaluation(
    Dictionary<string, double> TestMetrics,
    Dictionary<string, double> BaselineMetrics,
    Dictionary<string, Dictionary<string, double>> SliceMetrics,
    DriftReference Reference,
    double Seconds);
