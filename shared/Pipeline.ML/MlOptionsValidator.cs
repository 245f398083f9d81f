using Microsoft.Extensions.Options;

namespace Pipeline.ML;

internal sealed class MlOptionsValidator : IValidateOptions<MlOptions>
{
    public ValidateOptionsResult Validate(string? name, MlOptions o)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(o.ArtifactsContainer)) errors.Add("Ml:ArtifactsContainer is required");
        if (o.Training.CvFolds is < 2 or > 10) errors.Add("Ml:Training:CvFolds must be between 2 and 10");
        if (o.Training.GridBudgetSeconds < 1) errors.Add("Ml:Training:GridBudgetSeconds must be positive");
        if (o.Training.TestFraction is <= 0 or >= 0.9) errors.Add("Ml:Training:TestFraction must be in (0, 0.9)");
        if (o.Training.Grid is not ("full" or "small")) errors.Add("Ml:Training:Grid must be 'full' or 'small'");
        foreach (var t in o.Training.Trainers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (t is not ("Sdca" or "LightGbm" or "FastTree")) errors.Add($"Ml:Training:Trainers has unknown trainer '{t}' (Sdca, LightGbm, FastTree)");
        }
        if (o.Gate.Margin < 0) errors.Add("Ml:Gate:Margin must be >= 0");
        if (o.Gate.BaselineMargin < 0) errors.Add("Ml:Gate:BaselineMargin must be >= 0");
        if (o.Labeler.MinExamples < 2) errors.Add("Ml:Labeler:MinExamples must be at least 2");
        if (o.Evaluation.Horizon <= TimeSpan.Zero) errors.Add("Ml:Evaluation:Horizon must be a positive TimeSpan");
        if (o.Evaluation.PageSize is < 10 or > 10000) errors.Add("Ml:Evaluation:PageSize must be between 10 and 10000");
        if (o.Evaluation.PollerFreshnessMinutes < 0) errors.Add("Ml:Evaluation:PollerFreshnessMinutes must be >= 0");
        if (o.Serving.MaxBatchItems is < 1 or > 1000) errors.Add("Ml:Serving:MaxBatchItems must be between 1 and 1000");
        if (o.Serving.MaxHistoryIssues < 1) errors.Add("Ml:Serving:MaxHistoryIssues must be positive");
        if (o.Serving.PredictionLogCapacity < 1) errors.Add("Ml:Serving:PredictionLogCapacity must be positive");
        if (o.Drift.DatasetDriftShare is <= 0 or > 1) errors.Add("Ml:Drift:DatasetDriftShare must be in (0, 1]");
        if (o.Monitor.RetrainCooldownMinutes < 0) errors.Add("Ml:Monitor:RetrainCooldownMinutes must be >= 0");
        foreach (var (key, cron) in new[] { ("Ml:Monitor:Schedule", o.Monitor.Schedule), ("Ml:Monitor:RetrainSchedule", o.Monitor.RetrainSchedule) })
        {
            try
            {
                Pipeline.Domain.Scheduling.TimerSchedule.Parse(cron);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                errors.Add($"{key} is not a valid NCRONTAB expression: {ex.Message}");
            }
        }
        if (!string.IsNullOrWhiteSpace(o.Monitor.AlertWebhookUrl) && !Uri.TryCreate(o.Monitor.AlertWebhookUrl, UriKind.Absolute, out _))
            errors.Add("Ml:Monitor:AlertWebhookUrl must be an absolute URL");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
