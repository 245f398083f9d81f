namespace Pipeline.Orchestration.ML;

/// <summary>Input of <see cref="MonitorModelsOrchestrator"/>; null or empty models means all.</summary>
public sealed record MonitorRequest(List<string>? Models);
