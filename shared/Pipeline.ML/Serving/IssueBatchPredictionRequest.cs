namespace Pipeline.ML.Serving;

/// <summary>Body of <c>POST /api/predict/issues</c>.</summary>
public sealed class IssueBatchPredictionRequest
{
    public List<IssuePredictionRequest>? Items { get; set; }
}
