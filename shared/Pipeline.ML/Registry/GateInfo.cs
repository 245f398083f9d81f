namespace Pipeline.ML.Registry;

public sealed class GateInfo
{
    /// <summary><c>promoted</c> or <c>rejected</c>.</summary>
    public string Decision { get; set; } = string.Empty;
    public string Reason { get; set; } = string.Empty;
    public double CandidatePrimary { get; set; }
    /// <summary>The champion's primary metric measured on this version's test set (null when there was no champion).</summary>
    public double? ChampionPrimary { get; set; }
    public int? ComparedToVersion { get; set; }
    public List<string> FailedChecks { get; set; } = [];
    public double? BaselinePrimary { get; set; }
    public bool ChampionBelowFloors { get; set; }
}
