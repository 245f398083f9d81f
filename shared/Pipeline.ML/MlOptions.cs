using Microsoft.Extensions.Options;

namespace Pipeline.ML;

/// <summary>Settings of the ML lifecycle (section <c>Ml</c>). Every key has a working default except the blob connection,
/// which falls back to <c>AzureWebJobsStorage</c>.</summary>
public sealed class MlOptions
{
    public const string SectionName = "Ml";

    /// <summary>Blob storage for model artifacts and staged datasets; empty means use <c>AzureWebJobsStorage</c>.</summary>
    public string? BlobConnectionString { get; set; }

    /// <summary>Blob container holding model zips, drift references and staged datasets.</summary>
    public string ArtifactsContainer { get; set; } = "models";

    /// <summary>When set, the local host requires header <c>x-api-key</c> with this value on predict and model-changing routes
    /// (falls back to <c>Api:Key</c>). Azure Functions use function keys instead.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Log a prediction for every newly opened issue the webhook path sees, so ground truth can be joined later.</summary>
    public bool LogPredictionsForOpenedIssues { get; set; } = true;

    /// <summary>Train both models at start-up when no champion exists.</summary>
    public bool TrainAtStartup { get; set; } = true;

    /// <summary>Whether a data set may come from the synthetic generator when the store has too little real data. False by
    /// default (and in the Azure and Kubernetes settings): a model is then only trained on real issues. True for the local
    /// demo (local.settings.sample.json, the local host's defaults). A store outage never falls back to synthetic data.</summary>
    public bool AllowSyntheticData { get; set; }

    public TrainingSettings Training { get; set; } = new();
    public LabelerSettings Labeler { get; set; } = new();
    public EvaluationSettings Evaluation { get; set; } = new();
    public GateSettings Gate { get; set; } = new();
    public ServingSettings Serving { get; set; } = new();
    public DriftSettings Drift { get; set; } = new();
    public MonitorSettings Monitor { get; set; } = new();
}

public sealed class TrainingSettings
{
    /// <summary>Seed of MLContext, shuffles and fold assignment: the same dataset and settings reproduce the same metrics.</summary>
    public int Seed { get; set; } = 42;
    public int CvFolds { get; set; } = 3;
    /// <summary>Wall-clock budget of the cross-validated grid search; the first candidate always runs.</summary>
    public int GridBudgetSeconds { get; set; } = 45;
    /// <summary>Cross-validation runs on at most this many (most recent) training rows; the final fit uses all of them.</summary>
    public int CvMaxRows { get; set; } = 8000;
    /// <summary>Candidates whose mean CV primary metric is within this of the best count as tied; the first in grid order
    /// (the cheapest trainer) wins: cheaper to retrain and to serve, no measurable loss.</summary>
    public double SelectionTolerance { get; set; } = 0.002;
    /// <summary>Newest fraction of the dataset held out as the time-based test set.</summary>
    public double TestFraction { get; set; } = 0.2;
    /// <summary>Below this many usable closed issues in the store, training uses the synthetic generator.</summary>
    public int MinRealIssues { get; set; } = 500;
    /// <summary>Size of the synthetic dataset when the store has too little real data.</summary>
    public int SyntheticIssues { get; set; } = 4000;
    /// <summary>Most issues read from the store for one dataset (newest first).</summary>
    public int MaxIssues { get; set; } = 200000;
    /// <summary>Trainer families in the grid: any of Sdca, LightGbm, FastTree (comma separated).</summary>
    public string Trainers { get; set; } = "Sdca,LightGbm,FastTree";
    /// <summary>Grid size: "full" (all hyperparameter and featurizer points) or "small" (one point per trainer).</summary>
    public string Grid { get; set; } = "full";
    /// <summary>Smallest slice (repository or language) reported in slice metrics.</summary>
    public int MinSliceSize { get; set; } = 20;
}

public sealed class LabelerSettings
{
    /// <summary>A label joins the labeler's label set when at least this many issues of the data set carry it.</summary>
    public int MinExamples { get; set; } = 30;
    /// <summary>Comma-separated labels to consider (empty: every label).</summary>
    public string Include { get; set; } = string.Empty;
    /// <summary>Comma-separated labels never predicted: workflow labels that say nothing about the issue's content.</summary>
    public string Exclude { get; set; } = "needs-triage,triage,good first issue,help wanted,priority: high,priority: low,stale,duplicate,invalid,wontfix";
}

public sealed class EvaluationSettings
{
    /// <summary>Pending predictions older than this without ground truth are expired (counted, never joined); a TimeSpan
    /// ("30.00:00:00" = 30 days).</summary>
    public TimeSpan Horizon { get; set; } = TimeSpan.FromDays(30);
    /// <summary>Pending predictions read per page while resolving (keyset order on the id).</summary>
    public int PageSize { get; set; } = 1000;
    /// <summary>A polled opening event counts as live when it reaches the pipeline within this many minutes.</summary>
    public int PollerFreshnessMinutes { get; set; } = 30;
}

public sealed class GateSettings
{
    /// <summary>A challenger must beat the majority/prior baseline's primary metric on the same test set by this much.</summary>
    public double BaselineMargin { get; set; } = 0.02;
    /// <summary>A challenger must beat the champion's primary metric (macro-F1 / AUC) by at least this much.</summary>
    public double Margin { get; set; } = 0.005;
    public double MinMacroF1 { get; set; } = 0.55;
    public double MinAccuracy { get; set; } = 0.6;
    public double MinAuc { get; set; } = 0.7;
    public double MaxCalibrationError { get; set; } = 0.12;
}

public sealed class ServingSettings
{
    public int MaxTitleLength { get; set; } = 1000;
    public int MaxBodyBytes { get; set; } = 65536;
    public int MaxBatchItems { get; set; } = 1000;
    public int TopK { get; set; } = 3;
    /// <summary>Bounded queue of prediction-log writes; when full the oldest entry is dropped and counted.</summary>
    public int PredictionLogCapacity { get; set; } = 20000;
    /// <summary>How often each instance re-reads the champion aliases from the registry (hot-swap across instances).</summary>
    public int ChampionRefreshSeconds { get; set; } = 30;
    /// <summary>How long repository/author history features are cached before a background refresh.</summary>
    public int FeatureCacheSeconds { get; set; } = 600;
    /// <summary>Most issues of a repository (and of an author) read to compute history features at serving; with at least
    /// as many as the repository has, served features equal the training features exactly.</summary>
    public int MaxHistoryIssues { get; set; } = 20000;
}

public sealed class DriftSettings
{
    /// <summary>References up to this size use KS (numeric) and chi-squared (categorical); larger ones Wasserstein and Jensen-Shannon.</summary>
    public int SmallSampleMax { get; set; } = 1000;
    public double KsPValue { get; set; } = 0.05;
    public double ChiSquaredPValue { get; set; } = 0.05;
    public double WassersteinThreshold { get; set; } = 0.1;
    public double JensenShannonThreshold { get; set; } = 0.1;
    /// <summary>Dataset drift when at least this share of features drift.</summary>
    public double DatasetDriftShare { get; set; } = 0.5;
    /// <summary>Recent window compared against the training reference.</summary>
    public int WindowHours { get; set; } = 24;
    public int MinSamples { get; set; } = 50;
    public int MaxWindowSamples { get; set; } = 5000;
}

public sealed class MonitorSettings
{
    /// <summary>NCRONTAB of the monitor timer (Functions) and the local scheduler.</summary>
    public string Schedule { get; set; } = "0 */30 * * * *";
    /// <summary>NCRONTAB of the scheduled retraining.</summary>
    public string RetrainSchedule { get; set; } = "0 0 3 * * 0";
    /// <summary>Rolling window of joined predictions for live metrics.</summary>
    public int LiveWindow { get; set; } = 200;
    public int MinLiveSamples { get; set; } = 30;
    /// <summary>Retrain when live accuracy of the labeler falls below this.</summary>
    public double MinLiveLabelerAccuracy { get; set; } = 0.5;
    /// <summary>Retrain when live accuracy of the closes-within-7-days decision falls below this.</summary>
    public double MinLiveTimeToCloseAccuracy { get; set; } = 0.6;
    /// <summary>No second automatic retrain of a model within this many minutes.</summary>
    public int RetrainCooldownMinutes { get; set; } = 360;
    /// <summary>Alert webhook (e.g. a chat incoming webhook); empty disables the POST, alerts are still logged.</summary>
    public string? AlertWebhookUrl { get; set; }
}

public sealed class MlOptionsValidator : IValidateOptions<MlOptions>
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
