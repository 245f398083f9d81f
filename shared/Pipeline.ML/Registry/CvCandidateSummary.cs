namespace Pipeline.ML.Registry;

public sealed class CvCandidateSummary
{
    public string Candidate { get; set; } = string.Empty;
    public string Status { get; set; } = string.Empty;
    public Dictionary<string, double> Metrics { get; set; } = [];
    public double PrimaryStd { get; set; }
    public double Seconds { get; set; }
}
