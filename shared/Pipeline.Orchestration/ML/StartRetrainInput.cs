namespace Pipeline.Orchestration.ML;

public sealed record StartRetrainInput(string Model, string Reason, string Trigger);
