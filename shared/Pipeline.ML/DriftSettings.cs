namespace Pipeline.ML;

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
