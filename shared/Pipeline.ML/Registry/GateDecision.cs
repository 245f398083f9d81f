namespace Pipeline.ML.Registry;

/// <summary>The gate's verdict on a newly trained version.</summary>
internal sealed record GateDecision(bool Promote, string Reason, double CandidatePrimary, double? ChampionPrimary, List<string> FailedChecks)
{
    /// <summary>The baseline's primary metric on the same test set.</summary>
    public double? BaselinePrimary { get; init; }
    /// <summary>True when the serving champion itself fails the absolute floors on the current test set.</summary>
    public bool ChampionBelowFloors { get; init; }
    public List<string> ChampionFailedFloors { get; init; } = [];
}
