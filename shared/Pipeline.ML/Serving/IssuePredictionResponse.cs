using System.Text;
using System.Text.Json;
using Pipeline.ML.Training;

namespace Pipeline.ML.Serving;

public sealed record IssuePredictionResponse(
    string InputHash,
    string? IssueRef,
    LabelerPrediction? IssueLabeler,
    TimeToClosePrediction? TimeToClose,
    double LatencyMs);
