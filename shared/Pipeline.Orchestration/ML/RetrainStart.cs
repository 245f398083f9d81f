namespace Pipeline.Orchestration.ML;

/// <summary>What a retrain request got: the instance that runs (new or already running) and why.</summary>
/// <param name="Started">True when this call started <paramref name="InstanceId"/>; false when it returned the running one
/// (or none, in the cool-down).</param>
public sealed record RetrainStart(string Model, string? InstanceId, bool Started, string Status, DateTime? CooldownUntil);
