namespace Pipeline.ML.Training;

internal static class MetricNames
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
