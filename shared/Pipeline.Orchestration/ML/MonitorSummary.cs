namespace Pipeline.Orchestration.ML;

public sealed record MonitorSummary(string Model, string ReportId, int? ChampionVersion, int LiveSamples, string DriftStatus, bool RetrainRecommended, bool RetrainStarted, List<string> Reasons)
{
    /// <summary>True on the first pass of a problem (the previous pass was healthy): one alert per incident.</summary>
    public bool NewIncident { get; init; } = true;
}
