using Microsoft.DurableTask;
using Pipeline.ML.Monitoring;
using Pipeline.ML.Training;

namespace Pipeline.Orchestration.ML;

/// <summary>Input of <see cref="MonitorModelsOrchestrator"/>; null or empty models means all.</summary>
public sealed record MonitorRequest(List<string>? Models);

public sealed record MonitorResult(int ResolvedOutcomes, List<MonitorSummary> Reports, List<RetrainResult> Retrains);

/// <summary>
/// Monitoring pass (timer): joins ground truth (continuous evaluation), then per model computes live metrics and drift,
/// stores the report, raises an alert when quality is below threshold or drift is detected, and runs
/// <see cref="RetrainModelOrchestrator"/> as a sub-orchestration when the monitor claimed the retrain slot (cool-down).
/// </summary>
public sealed class MonitorModelsOrchestrator : TaskOrchestrator<MonitorRequest?, MonitorResult>
{
    public override async Task<MonitorResult> RunAsync(TaskOrchestrationContext context, MonitorRequest? input)
    {
        var models = input?.Models is { Count: > 0 } m ? m : ModelNames.All.ToList();
        var resolved = await context.CallActivityAsync<int>(nameof(ResolveOutcomesActivity), 2000);
        var reports = new List<MonitorSummary>();
        var retrains = new List<RetrainResult>();
        foreach (var model in models)
        {
            var summary = await context.CallActivityAsync<MonitorSummary>(nameof(MonitorModelActivity), model);
            reports.Add(summary);
            if (summary.RetrainRecommended && summary.ChampionVersion is not null)
            {
                var title = summary.RetrainStarted ? "quality or drift problem: retraining started" : "quality or drift problem: retraining in cool-down";
                await context.CallActivityAsync<bool>(nameof(SendAlertActivity),
                    new MlAlert(model, summary.RetrainStarted ? "warning" : "info", title, summary.Reasons, summary.ReportId, context.CurrentUtcDateTime));
            }
            if (summary.RetrainStarted)
            {
                var result = await context.CallSubOrchestratorAsync<RetrainResult>(nameof(RetrainModelOrchestrator),
                    new RetrainRequest(model, string.Join("; ", summary.Reasons), "monitor"),
                    new SubOrchestrationOptions { InstanceId = $"retrain-{model}-{context.NewGuid():N}" });
                retrains.Add(result);
            }
        }
        return new MonitorResult(resolved, reports, retrains);
    }
}
