using Pipeline.ML.Training;

namespace Pipeline.ML.Registry;

/// <summary>Metadata of one registered model version (document in the <c>models</c> collection).</summary>
public sealed class ModelVersionInfo
{
    public string Kind { get; set; } = "version";
    public string Name { get; set; } = string.Empty;
    public int Version { get; set; }
    public DateTime CreatedAt { get; set; }
    public string RunId { get; set; } = string.Empty;
    public DatasetInfo Dataset { get; set; } = new();
    public string Trainer { get; set; } = string.Empty;
    public Dictionary<string, double> Hyperparameters { get; set; } = [];
    public TextSettings TextFeaturizer { get; set; } = new(1, 0);
    public string PrimaryMetric { get; set; } = string.Empty;
    public Dictionary<string, double> CvMetrics { get; set; } = [];
    public int CvFolds { get; set; }
    public int CvRows { get; set; }
    public List<CvCandidateSummary> CvCandidates { get; set; } = [];
    public Dictionary<string, double> TestMetrics { get; set; } = [];
    public Dictionary<string, double> BaselineMetrics { get; set; } = [];
    public Dictionary<string, Dictionary<string, double>> SliceMetrics { get; set; } = [];
    public string CodeVersion { get; set; } = string.Empty;
    public int Seed { get; set; }
    public int? ParentVersion { get; set; }
    public List<string> Aliases { get; set; } = [];
    public GateInfo Gate { get; set; } = new();
    public string ArtifactPath { get; set; } = string.Empty;
    public string ReferencePath { get; set; } = string.Empty;
    public double TrainSeconds { get; set; }
    public string Reason { get; set; } = string.Empty;
}
