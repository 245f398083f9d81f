namespace Pipeline.ML;

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
