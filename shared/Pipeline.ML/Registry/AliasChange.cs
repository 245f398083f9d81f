namespace Pipeline.ML.Registry;

public sealed class AliasChange
{
    public DateTime At { get; set; }
    public string Alias { get; set; } = string.Empty;
    public int Version { get; set; }
    public int? Previous { get; set; }
    public string Reason { get; set; } = string.Empty;
}
