namespace Pipeline.ML.Data;

/// <summary>Output of the time-to-close pipeline: the calibrated binary head and the regression head (log days).</summary>
internal sealed class TimeToCloseOutput
{
    public bool ClosePredicted { get; set; }
    public float CloseProbability { get; set; }
    /// <summary>Regression score: predicted log(1 + days).</summary>
    public float Score { get; set; }
}
