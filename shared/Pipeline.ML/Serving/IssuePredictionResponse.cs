namespace Pipeline.ML.Serving;

public sealed record IssuePredictionResponse(
    string InputHash,
    string? IssueRef,
    LabelerPrediction? IssueLabeler,
    TimeToClosePrediction? TimeToClose,
    double LatencyMs);
