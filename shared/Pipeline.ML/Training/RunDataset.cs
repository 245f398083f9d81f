namespace Pipeline.ML.Training;

/// <summary>The data set a run used (its document is staged at <see cref="BlobPath"/>).</summary>
public sealed class RunDataset
{
    public string Hash { get; set; } = string.Empty;
    public string Source { get; set; } = string.Empty;
    public int TrainRows { get; set; }
    public int TestRows { get; set; }
    public DateTime From { get; set; }
    public DateTime To { get; set; }
    public DateTime SplitTime { get; set; }
    public Dictionary<string, int> ClassCounts { get; set; } = [];
    public string[] LabelSet { get; set; } = [];
    public string BlobPath { get; set; } = string.Empty;
}
