namespace Pipeline.Orchestration.ML;

public sealed record MonitorResult(int ResolvedOutcomes, List<MonitorSummary> Reports, List<RetrainStart> Retrains);
