namespace Pipeline.ML.Training;

/// <summary>Reference to a data set staged in blob storage between durable activities.</summary>
public sealed record DatasetRef(string ModelName, string Hash, int Size, int TrainRows, int TestRows, string Source, DateTime SplitTime, int InvalidDocuments, string BlobPath)
{
    public string[] LabelSet { get; init; } = [];
    public Dictionary<string, int> ClassCounts { get; init; } = [];
    public DateTime From { get; init; }
    public DateTime To { get; init; }
}
