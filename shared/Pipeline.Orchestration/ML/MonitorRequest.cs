using Microsoft.DurableTask;
using Pipeline.ML.Monitoring;
using Pipeline.ML.Training;

namespace Pipeline.Orchestration.ML;

/// <summary>Input of <see cref="MonitorModelsOrchestrator"/>; null or empty models means all.</summary>
public sealed record MonitorRequest(List<string>? Models);
