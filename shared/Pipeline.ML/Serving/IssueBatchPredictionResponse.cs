namespace Pipeline.ML.Serving;

public sealed record IssueBatchPredictionResponse(int Count, IReadOnlyList<IssuePredictionResponse> Items, double LatencyMs);
