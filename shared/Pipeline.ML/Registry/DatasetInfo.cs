namespace Pipeline.ML.Registry;

public sealed class DatasetInfo
{
    public string Hash { get; set; } = string.Empty;
    public int Size { get; set; }
    public int TrainRows { get; set; }
    public int TestRows { get; set; }
    public string Source { get; set; } = string.Empty;
    public DateTime SplitTime { get; set; }
    public int InvalidDocuments { get; set; }
    public string[] LabelSet { get; set; } = [];
    public Dictionary<string, int> ClassCounts { get; set; } = [];
    public DateTime From { get; set; }
    public DateTime To { get; set; }
}
