namespace Pipeline.ML;

/// <summary>Settings of the ML lifecycle (section <c>Ml</c>). Every key has a working default except the blob connection,
/// which falls back to <c>AzureWebJobsStorage</c>.</summary>
public sealed class MlOptions
{
    public const string SectionName = "Ml";

    /// <summary>Blob storage for model artifacts and staged datasets; empty means use <c>AzureWebJobsStorage</c>.</summary>
    public string? BlobConnectionString { get; set; }

    /// <summary>Blob container holding model zips, drift references and staged datasets.</summary>
    public string ArtifactsContainer { get; set; } = "models";

    /// <summary>When set, the local host requires header <c>x-api-key</c> with this value on predict and model-changing routes
    /// (falls back to <c>Api:Key</c>). Azure Functions use function keys instead.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Log a prediction for every newly opened issue the webhook path sees, so ground truth can be joined later.</summary>
    public bool LogPredictionsForOpenedIssues { get; set; } = true;

    /// <summary>Train both models at start-up when no champion exists.</summary>
    public bool TrainAtStartup { get; set; } = true;

    /// <summary>Whether a data set may come from the synthetic generator when the store has too little real data. False by
    /// default (and in the Azure and Kubernetes settings): a model is then only trained on real issues. True for the local
    /// demo (local.settings.sample.json, the local host's defaults). A store outage never falls back to synthetic data.</summary>
    public bool AllowSyntheticData { get; set; }

    public TrainingSettings Training { get; set; } = new();
    public LabelerSettings Labeler { get; set; } = new();
    public EvaluationSettings Evaluation { get; set; } = new();
    public GateSettings Gate { get; set; } = new();
    public ServingSettings Serving { get; set; } = new();
    public DriftSettings Drift { get; set; } = new();
    public MonitorSettings Monitor { get; set; } = new();
}
