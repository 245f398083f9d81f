namespace Pipeline.ML.Training;

public sealed class RunCandidate
{
    public string Candidate { get; set; } = string.Empty;
    public string Status { get; set; } = string.Empty;
    public Dictionary<string, double> Metrics { get; set; } = [];
    public List<Dictionary<string, double>> FoldMetrics { get; set; } = [];
    public double Seconds { get; set; }
}
