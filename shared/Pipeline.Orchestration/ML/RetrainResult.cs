namespace Pipeline.Orchestration.ML;

/// <summary>Outcome of a retraining run.</summary>
public sealed record RetrainResult(
    string Model,
    int Version,
    string Decision,
    string GateReason,
    string DatasetHash,
    int DatasetSize,
    string DatasetSource,
    string Trainer,
    Dictionary<string, double> TestMetrics,
    int? ServingVersion);
