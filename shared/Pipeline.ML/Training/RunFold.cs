namespace Pipeline.ML.Training;

/// <summary>One forward-chaining fold of the chosen candidate.</summary>
public sealed class RunFold
{
    public int Fold { get; set; }
    public int TrainRows { get; set; }
    public int ValidRows { get; set; }
    public DateTime TrainTo { get; set; }
    public DateTime ValidFrom { get; set; }
    public DateTime ValidTo { get; set; }
    public Dictionary<string, double> Metrics { get; set; } = [];
}
