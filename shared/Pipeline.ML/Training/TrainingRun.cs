using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.ML.Training;

/// <summary>
/// One training run, MLflow-style (document in the <c>ml_runs</c> collection, camelCase JSON): parameters, per-fold metrics,
/// baseline, test and slice metrics, the data set it used, its artifacts, its duration and the gate's decision. Every run
/// is recorded, promoted or not.
/// </summary>
public sealed class TrainingRun
{
    public string Id { get; set; } = string.Empty;
    public string Model { get; set; } = string.Empty;
    public string Reason { get; set; } = string.Empty;
    public DateTime StartedAt { get; set; }
    public DateTime FinishedAt { get; set; }
    public double DurationSeconds { get; set; }
    /// <summary>Registered model version (every run registers one; the gate decides whether it becomes champion).</summary>
    public int? Version { get; set; }
    /// <summary>Trainer, hyperparameters and text featurizer of the chosen candidate, plus the run's settings.</summary>
    public Dictionary<string, string> Params { get; set; } = [];
    public RunDataset Dataset { get; set; } = new();
    public string PrimaryMetric { get; set; } = string.Empty;
    public Dictionary<string, double> CvMetrics { get; set; } = [];
    public List<RunFold> Folds { get; set; } = [];
    public List<RunCandidate> Candidates { get; set; } = [];
    public Dictionary<string, double> BaselineMetrics { get; set; } = [];
    public Dictionary<string, double> TestMetrics { get; set; } = [];
    public Dictionary<string, Dictionary<string, double>> SliceMetrics { get; set; } = [];
    public Dictionary<string, double>? ChampionTestMetrics { get; set; }
    public int? ChampionVersion { get; set; }
    public string Decision { get; set; } = string.Empty;
    public string DecisionReason { get; set; } = string.Empty;
    public bool ChampionBelowFloors { get; set; }
    /// <summary>Artifact paths in the model blob container: model, drift reference, staged data set.</summary>
    public Dictionary<string, string> Artifacts { get; set; } = [];
    /// <summary>Seconds per stage: dataset (when known), cv, train, evaluate.</summary>
    public Dictionary<string, double> StageSeconds { get; set; } = [];

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DictionaryKeyPolicy = null,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}
