namespace Pipeline.ML.Training;

/// <summary>Outcome of the cross-validated grid search.</summary>
public sealed record CrossValidationResult(
    string ModelName,
    string PrimaryMetric,
    int Folds,
    int Rows,
    double BudgetSeconds,
    double ElapsedSeconds,
    List<CandidateResult> Candidates,
    TrainerCandidate Best,
    Dictionary<string, double> BestMetrics)
{
    public List<FoldInfo> FoldLayout { get; init; } = [];
    /// <summary>Per-fold metrics of the chosen candidate.</summary>
    public List<Dictionary<string, double>> BestFoldMetrics { get; init; } = [];
}
