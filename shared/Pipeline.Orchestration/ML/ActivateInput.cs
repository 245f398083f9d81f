namespace Pipeline.Orchestration.ML;

public sealed record ActivateInput(string Model, int Version);
