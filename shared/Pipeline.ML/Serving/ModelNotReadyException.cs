namespace Pipeline.ML.Serving;

/// <summary>No champion of this model is loaded yet (HTTP 503).</summary>
public sealed class ModelNotReadyException(string model) : Exception($"Model '{model}' has no champion loaded yet; train it first (POST /api/models/{model}/retrain)")
{
    public string Model { get; } = model;
}
