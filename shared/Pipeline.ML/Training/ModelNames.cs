namespace Pipeline.ML.Training;

/// <summary>Model names used in the API, the registry and metrics.</summary>
public static class ModelNames
{
    public const string IssueLabeler = "issue-labeler";
    public const string TimeToClose = "time-to-close";

    public static IReadOnlyList<string> All { get; } = [IssueLabeler, TimeToClose];

    public static bool IsKnown(string? name) => name is IssueLabeler or TimeToClose;

    public static void EnsureKnown(string name)
    {
        if (!IsKnown(name)) throw new ArgumentException($"Unknown model '{name}'; known models: {string.Join(", ", All)}", nameof(name));
    }

    /// <summary>The metric the grid search maximises and the gate compares (higher is better).</summary>
    public static string PrimaryMetric(string name) => name == IssueLabeler ? MetricNames.MacroF1 : MetricNames.Auc;
}

public static class MetricNames
{
    public const string MacroF1 = "macro_f1";
    public const string Accuracy = "accuracy";
    public const string LogLoss = "log_loss";
    public const string Auc = "auc";
    public const string F1 = "f1";
    public const string CalibrationError = "ece";
    public const string Brier = "brier";
    public const string MaeDays = "mae_days";
    public const string Count = "count";
    public const string MicroF1 = "micro_f1";
    public const string AnyTrueLabelRate = "any_true_label_rate";
    public const string AllTrueLabelsRate = "all_true_labels_rate";
    public const string LabelCoverage = "label_coverage";
    public const string NoPredictionRate = "no_prediction_rate";
}
