using System.Text;
using System.Text.Json;
using Pipeline.ML.Training;

namespace Pipeline.ML.Serving;

/// <summary>Body of <c>POST /api/predict/issues</c>.</summary>
public sealed class IssueBatchPredictionRequest
{
    public List<IssuePredictionRequest>? Items { get; set; }
}
