namespace Pipeline.ML.Registry;

/// <summary>Per-model head document: which version holds which alias, and the alias history (promotions, rollbacks).</summary>
public sealed class ModelHead
{
    public string Kind { get; set; } = "model";
    public string Name { get; set; } = string.Empty;
    public int LatestVersion { get; set; }
    public int? Champion { get; set; }
    public int? Challenger { get; set; }
    public DateTime UpdatedAt { get; set; }
    /// <summary>Write revision (optimistic concurrency: each write claims the next one).</summary>
    public long Revision { get; set; }
    public List<AliasChange> History { get; set; } = [];
}
