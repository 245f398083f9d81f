namespace Pipeline.Orchestration.ML;

/// <summary>Input of <see cref="RetrainModelOrchestrator"/>: which model, why, and what triggered it (http, schedule, monitor, startup).</summary>
public sealed record RetrainRequest(string Model, string Reason, string Trigger);
