using System.Text;
using System.Text.Json;
using Pipeline.ML.Training;

namespace Pipeline.ML.Serving;

public sealed record IssueBatchPredictionResponse(int Count, IReadOnlyList<IssuePredictionResponse> Items, double LatencyMs);
