namespace Pipeline.ML;

public sealed class ServingSettings
{
    public int MaxTitleLength { get; set; } = 1000;
    public int MaxBodyBytes { get; set; } = 65536;
    public int MaxBatchItems { get; set; } = 1000;
    public int TopK { get; set; } = 3;
    /// <summary>Bounded queue of prediction-log writes; when full the oldest entry is dropped and counted.</summary>
    public int PredictionLogCapacity { get; set; } = 20000;
    /// <summary>How often each instance re-reads the champion aliases from the registry (hot-swap across instances).</summary>
    public int ChampionRefreshSeconds { get; set; } = 30;
    /// <summary>How long repository/author history features are cached before a background refresh.</summary>
    public int FeatureCacheSeconds { get; set; } = 600;
    /// <summary>Most issues of a repository (and of an author) read to compute history features at serving; with at least
    /// as many as the repository has, served features equal the training features exactly.</summary>
    public int MaxHistoryIssues { get; set; } = 20000;
}
