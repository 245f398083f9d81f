namespace Pipeline.ML.Monitoring;

/// <summary>One monitoring pass over one model (stored in <c>monitor_reports</c>).</summary>
public sealed class MonitorReport
{
    public string Id { get; set; } = string.Empty;
    public string Kind { get; set; } = "report";
    public string Model { get; set; } = string.Empty;
    public DateTime At { get; set; }
    public int? ChampionVersion { get; set; }
    public Dictionary<string, double> LiveMetrics { get; set; } = [];
    public int LiveSamples { get; set; }
    public bool LiveBelowThreshold { get; set; }
    public string DriftStatus { get; set; } = string.Empty;
    public int DriftWindowSize { get; set; }
    public DriftResult? Drift { get; set; }
    public bool RetrainRecommended { get; set; }
    /// <summary>True when this pass claimed the retrain slot (recommended and outside the cool-down).</summary>
    public bool RetrainStarted { get; set; }
    public DateTime? CooldownUntil { get; set; }
    /// <summary>True on the first pass of a problem: one alert per incident, until a healthy pass clears it.</summary>
    public bool NewIncident { get; set; }
    /// <summary>Predictions expired without ground truth so far (for the champion's model).</summary>
    public long ExpiredPredictions { get; set; }
    public List<string> Reasons { get; set; } = [];
}
