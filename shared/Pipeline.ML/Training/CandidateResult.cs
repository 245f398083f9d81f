namespace Pipeline.ML.Training;

public sealed record CandidateResult(
    TrainerCandidate Candidate,
    string Status,
    Dictionary<string, double> MeanMetrics,
    double PrimaryStd,
    double Seconds)
{
    /// <summary>Metrics of each forward-chaining fold, oldest first.</summary>
    public List<Dictionary<string, double>> FoldMetrics { get; init; } = [];
}
