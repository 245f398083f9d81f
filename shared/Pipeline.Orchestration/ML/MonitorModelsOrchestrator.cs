using Microsoft.DurableTask;
using Pipeline.ML.Monitoring;
using Pipeline.ML.Training;

namespace Pipeline.Orchestration.ML;

/// <summary>
/// Monitoring pass (timer): joins ground truth (continuous evaluation), then per model computes live metrics and drift,
/// stores the report, raises one alert per incident (when a problem starts, not on every pass while it lasts), and starts
/// <see cref="RetrainModelOrchestrator"/> through <see cref="RetrainStarter"/> when the monitor claimed the retrain slot
/// (cool-down; single-flight, so a retrain already running is returned instead of a second one).
/// </summary>
public sealed class MonitorModelsOrchestrator : TaskOrchestrator<MonitorRequest?, MonitorResult>
{
    public override async Task<MonitorResult> RunAsync(TaskOrchestrationContext context, MonitorRequest? input)
    {
        var models = input?.Models is { Count: > 0 } m ? m : ModelNames.All.ToList();
        var resolved = await context.CallActivityAsync<int>(nameof(ResolveOutcomesActivity), 0);
        var reports = new List<MonitorSummary>();
        var retrains = new List<RetrainStart>();
        foreach (var model in models)
        {
            var summary = await context.CallActivityAsync<MonitorSummary>(nameof(MonitorModelActivity), model);
            reports.Add(summary);
            if (summary.RetrainRecommended && summary.ChampionVersion is not null && summary.NewIncident)
            {
                var title = summary.RetrainStarted ? "quality or drift problem: retraining started" : "quality or drift problem: retraining in cool-down";
                await context.CallActivityAsync<bool>(nameof(SendAlertActivity),
                    new MlAlert(model, summary.RetrainStarted ? "warning" : "info", title, summary.Reasons, summary.ReportId, context.CurrentUtcDateTime));
            }
            if (summary.RetrainStarted)
            {
                retrains.Add(await context.CallActivityAsync<RetrainStart>(nameof(StartRetrainActivity),
                    new StartRetrainInput(model, string.Join("; ", summary.Reasons), "monitor")));
            }
        }
        return new MonitorResult(resolved, reports, retrains);
    }
}
