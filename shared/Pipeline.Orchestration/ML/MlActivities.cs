using Pipeline.ML.Monitoring;
using Pipeline.ML.Registry;
using Pipeline.ML.Serving;
using Pipeline.ML.Training;

namespace Pipeline.Orchestration.ML;

/// <summary>Input of <see cref="RetrainModelOrchestrator"/>: which model, why, and what triggered it (http, schedule, monitor, startup).</summary>
public sealed record RetrainRequest(string Model, string Reason, string Trigger);

/// <summary>Outcome of a retraining run.</summary>
public sealed record RetrainResult(
    string Model,
    int Version,
    string Decision,
    string GateReason,
    string DatasetHash,
    int DatasetSize,
    string DatasetSource,
    string Trainer,
    Dictionary<string, double> TestMetrics,
    int? ServingVersion);

public sealed record TrainBestInput(DatasetRef Dataset, TrainerCandidate Candidate, string RunId);

public sealed record EvaluateInput(DatasetRef Dataset, TrainedRef Trained);

public sealed record RegisteredVersion(string Model, int Version, string Decision, string Reason, Dictionary<string, double> TestMetrics, string Trainer);

public sealed record ActivateInput(string Model, int Version);

/// <summary>Stage 1: build the data set from the store (or synthetic), hash it and stage it in blob storage.</summary>
public sealed class BuildDatasetActivity(TrainingPipeline training) : PipelineActivity<RetrainRequest, DatasetRef>
{
    public override Task<DatasetRef> ExecuteAsync(RetrainRequest input) => training.BuildDatasetAsync(input.Model);
}

/// <summary>Stage 2: k-fold cross-validation over the trainer × hyperparameter × featurizer grid, within the time budget.</summary>
public sealed class CrossValidateActivity(TrainingPipeline training) : PipelineActivity<DatasetRef, CrossValidationResult>
{
    public override Task<CrossValidationResult> ExecuteAsync(DatasetRef input) => training.CrossValidateAsync(input);
}

/// <summary>Stage 3: fit the best candidate on all training rows and stage the artifact.</summary>
public sealed class TrainBestActivity(TrainingPipeline training) : PipelineActivity<TrainBestInput, TrainedRef>
{
    public override Task<TrainedRef> ExecuteAsync(TrainBestInput input) => training.TrainBestAsync(input.Dataset, input.Candidate, input.RunId);
}

/// <summary>Stage 4: test-set and slice metrics, drift reference, and the champion measured on the same test set.</summary>
public sealed class EvaluateModelActivity(TrainingPipeline training) : PipelineActivity<EvaluateInput, EvaluationRef>
{
    public override Task<EvaluationRef> ExecuteAsync(EvaluateInput input) => training.EvaluateAsync(input.Dataset, input.Trained);
}

/// <summary>Stage 5: gate decision and registration as a new version (champion or challenger).</summary>
public sealed class GateAndRegisterActivity(TrainingPipeline training) : PipelineActivity<RegistrationRequest, RegisteredVersion>
{
    public override async Task<RegisteredVersion> ExecuteAsync(RegistrationRequest input)
    {
        var v = await training.GateAndRegisterAsync(input);
        return new RegisteredVersion(v.Name, v.Version, v.Gate.Decision, v.Gate.Reason, v.TestMetrics, v.Trainer);
    }
}

/// <summary>Stage 6: hot-swap the serving model in this instance (other instances follow within Ml:Serving:ChampionRefreshSeconds).</summary>
public sealed class ActivateChampionActivity(PredictionService predictions) : PipelineActivity<ActivateInput, int?>
{
    public override async Task<int?> ExecuteAsync(ActivateInput input)
    {
        await predictions.RefreshAsync();
        return predictions.ServingVersion(input.Model);
    }
}

/// <summary>Joins logged predictions with ground truth that arrived since the last pass.</summary>
public sealed class ResolveOutcomesActivity(ContinuousEvaluator evaluator) : PipelineActivity<int, int>
{
    public override Task<int> ExecuteAsync(int input) => evaluator.ResolvePendingAsync(input <= 0 ? 2000 : input);
}

public sealed record MonitorSummary(string Model, string ReportId, int? ChampionVersion, int LiveSamples, string DriftStatus, bool RetrainRecommended, bool RetrainStarted, List<string> Reasons);

/// <summary>Live metrics and drift of one model; claims the retrain slot when needed (cool-down applies).</summary>
public sealed class MonitorModelActivity(ModelMonitor monitor) : PipelineActivity<string, MonitorSummary>
{
    public override async Task<MonitorSummary> ExecuteAsync(string input)
    {
        var r = await monitor.RunAsync(input);
        return new MonitorSummary(r.Model, r.Id, r.ChampionVersion, r.LiveSamples, r.DriftStatus, r.RetrainRecommended, r.RetrainStarted, r.Reasons);
    }
}

/// <summary>Logs a monitoring incident, posts it to Ml:Monitor:AlertWebhookUrl and e-mails it (Alerts:Email:Drift).</summary>
public sealed class SendAlertActivity(AlertSender alerts, Pipeline.Notifications.EmailNotifier email) : PipelineActivity<MlAlert, bool>
{
    public override async Task<bool> ExecuteAsync(MlAlert input)
    {
        var posted = await alerts.SendAsync(input);
        var mailed = await email.NotifyAsync(new Pipeline.Notifications.Notification(Pipeline.Notifications.NotificationKind.Drift,
            $"{input.Model}: {input.Title}", [.. input.Reasons, .. input.ReportId is null ? Array.Empty<string>() : [$"report {input.ReportId}"]],
            input.Severity, input.At));
        return posted || mailed == Pipeline.Notifications.NotificationResult.Sent;
    }
}
