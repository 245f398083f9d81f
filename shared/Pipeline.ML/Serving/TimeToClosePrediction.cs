namespace Pipeline.ML.Serving;

public sealed record TimeToClosePrediction(string Model, int Version,
    bool ClosesWithin7Days,
    double Probability, double ExpectedDays)
{
    /// <summary>Source of the data set the serving version was trained on (<c>store</c> or <c>synthetic</c>).</summary>
    public string DatasetSource { get; init; } = "unknown";
}
