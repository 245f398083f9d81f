namespace Pipeline.ML;

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
